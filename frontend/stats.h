// frontend/stats.h: the --stats report (also the teaching view's numbers).
#pragma once

#include <cstdio>

#include "frontend/machine.h"

namespace rz {
void print_stats(FILE* f, Machine& m);
}
