// tests/unit/test_dev_irq.cpp: IRQ lines and the wired-OR gate.
#include <gtest/gtest.h>

#include <vector>

#include "devices/irq.h"

namespace rz {
namespace {

TEST(DevIrq, LineReportsOnlyChanges) {
  std::vector<bool> seen;
  FnIrqSink probe([&](bool h) { seen.push_back(h); });
  IrqLine line;
  line.raise();  // before connection: level kept
  line.connect(&probe);
  line.raise();
  line.lower();
  line.lower();
  line.pulse();
  EXPECT_EQ(seen, (std::vector<bool>{true, false, true, false}));
  EXPECT_FALSE(line.level());
}

TEST(DevIrq, OrGateSharesALine) {
  std::vector<bool> seen;
  FnIrqSink probe([&](bool h) { seen.push_back(h); });
  IrqOrGate gate(&probe);
  IrqLine a, b;
  a.connect(gate.input(0));
  b.connect(gate.input(5));
  a.raise();
  b.raise();
  a.lower();
  EXPECT_TRUE(gate.level());
  b.lower();
  EXPECT_FALSE(gate.level());
  EXPECT_EQ(seen, (std::vector<bool>{true, false}));
  b.pulse();  // passes through while the output is low
  EXPECT_EQ(seen, (std::vector<bool>{true, false, true, false}));
}

}  // namespace
}  // namespace rz
