// tests/unit/test_dev_uart.cpp: the 16550A on the virtual clock: divisor latch, line
// timing, THR-empty and received-data interrupts, FIFO trigger levels and character
// timeout, IIR priorities, loopback with modem lines, overrun, host input pacing.
#include <gtest/gtest.h>

#include "devices/bus.h"
#include "devices/char_backend.h"
#include "devices/scheduler.h"
#include "devices/uart.h"

namespace rz {
namespace {

struct UartRig {
  Scheduler sched;
  PortBus bus;
  Uart16550 uart{sched, 0x3F8};
  MemoryCharBackend host;
  UartRig() {
    uart.map_ports(bus);
    uart.set_backend(&host);
    // 115200 baud, 8N1, OUT2 (interrupts to the bus), DTR, RTS.
    wr(3, 0x80);
    wr(0, 0x01);
    wr(1, 0x00);
    wr(3, 0x03);
    wr(4, 0x0B);
  }
  uint8_t rd(unsigned r) { return uint8_t(bus.read(uint16_t(0x3F8 + r), 1)); }
  void wr(unsigned r, uint8_t v) { bus.write(uint16_t(0x3F8 + r), 1, v); }
  void after(int64_t ns) { sched.advance_to(sched.now() + ns); }
};

TEST(DevUart, CharacterTimeFromDivisorAndFormat) {
  UartRig r;
  EXPECT_EQ(r.uart.char_time_ns(), 10 * 1000000000LL / 115200);  // 86805 ns
  r.wr(3, 0x80);
  r.wr(0, 12);  // 9600
  EXPECT_EQ(r.rd(0), 12);
  r.wr(3, 0x1F);  // 8 data, 2 stop, even parity: 12 bits
  EXPECT_EQ(r.uart.char_time_ns(), 12 * 1000000000LL / 9600);
  r.wr(3, 0x04);  // 5 data bits, 1.5 stop: 7.5 bits
  EXPECT_EQ(r.uart.char_time_ns(), 15 * 1000000000LL / (2 * 9600));
}

TEST(DevUart, TransmitTakesOneCharacterTime) {
  UartRig r;
  EXPECT_EQ(r.rd(5), 0x60);
  r.wr(0, 'A');
  EXPECT_EQ(r.rd(5), 0x20);  // THR moved to the shift register: THRE, not TEMT
  r.wr(0, 'B');
  EXPECT_EQ(r.rd(5), 0x00);
  r.after(86805 - 1);
  EXPECT_TRUE(r.host.output.empty());
  r.after(1);
  ASSERT_EQ(r.host.output.size(), 1u);
  EXPECT_EQ(r.rd(5), 0x20);
  r.after(86805);
  EXPECT_EQ(r.host.output, (std::vector<uint8_t>{'A', 'B'}));
  EXPECT_EQ(r.rd(5), 0x60);
}

TEST(DevUart, ThrEmptyInterruptAndIirReadClearsIt) {
  UartRig r;
  EXPECT_FALSE(r.uart.irq().level());
  r.wr(1, 0x02);  // enabling ETBEI with THR empty interrupts at once
  EXPECT_TRUE(r.uart.irq().level());
  EXPECT_EQ(r.rd(2), 0x02);
  EXPECT_FALSE(r.uart.irq().level());
  EXPECT_EQ(r.rd(2), 0x01);
  r.wr(0, 'x');  // goes straight to the shift register: THR empty again
  EXPECT_TRUE(r.uart.irq().level());
  r.wr(4, 0x03);  // OUT2 off: the interrupt no longer reaches the bus
  EXPECT_FALSE(r.uart.irq().level());
  EXPECT_EQ(r.rd(2), 0x02);
}

TEST(DevUart, FifoTriggerLevelAndCharacterTimeout) {
  UartRig r;
  r.wr(2, 0x47);  // FIFO on, clear both, trigger 4
  r.wr(1, 0x01);
  EXPECT_EQ(r.rd(2), 0xC1);
  const uint8_t three[] = {1, 2, 3};
  r.uart.receive(three, 3);
  r.after(3 * 86805);
  EXPECT_EQ(r.rd(5) & 1, 1);
  EXPECT_FALSE(r.uart.irq().level());  // below the trigger level
  r.after(4 * 86805);
  EXPECT_TRUE(r.uart.irq().level());  // character timeout
  EXPECT_EQ(r.rd(2), 0xCC);
  EXPECT_EQ(r.rd(0), 1);
  EXPECT_FALSE(r.uart.irq().level());  // reading RBR clears the timeout
  const uint8_t more[] = {4, 5};
  r.uart.receive(more, 2);
  r.after(2 * 86805);
  EXPECT_EQ(r.rd(2), 0xC4);  // 4 in the FIFO: received data available
  EXPECT_EQ(r.rd(0), 2);
  EXPECT_EQ(r.rd(0), 3);
  EXPECT_EQ(r.rd(0), 4);
  EXPECT_EQ(r.rd(0), 5);
  EXPECT_EQ(r.rd(5) & 1, 0);
  EXPECT_FALSE(r.uart.irq().level());
}

TEST(DevUart, HostInputIsPacedAndFlowControlled) {
  UartRig r;
  r.wr(2, 0x07);
  std::vector<uint8_t> data(40);
  for (unsigned k = 0; k < 40; ++k) data[k] = uint8_t(k);
  EXPECT_EQ(r.uart.receive(data.data(), data.size()), 40u);
  r.after(100 * 86805);
  unsigned got = 0;
  while (r.rd(5) & 1) EXPECT_EQ(r.rd(0), got++);
  EXPECT_EQ(got, 16u);  // the FIFO filled, the rest waited (no overrun)
  EXPECT_EQ(r.rd(5) & 0x02, 0);
  r.after(100 * 86805);
  while (r.rd(5) & 1) EXPECT_EQ(r.rd(0), got++);
  EXPECT_EQ(got, 32u);
}

TEST(DevUart, LoopbackModemLinesAndOverrun) {
  UartRig r;
  r.wr(4, 0x1F);  // loopback with all outputs set
  EXPECT_EQ(r.rd(6) & 0xF0, 0xF0);
  r.wr(4, 0x10);
  EXPECT_EQ(r.rd(6), 0x0F);  // CTS, DSR, DCD changed; RI trailing edge
  EXPECT_EQ(r.rd(6), 0x00);
  r.wr(1, 0x05);  // RDA and line status interrupts
  r.wr(0, 'a');
  r.after(86805);
  EXPECT_EQ(r.rd(2), 0x04);
  EXPECT_FALSE(r.uart.irq().level());  // loopback keeps the IRQ off the bus
  r.wr(0, 'b');  // no FIFO: the second character overruns
  r.after(86805);
  EXPECT_TRUE(r.host.output.empty());
  EXPECT_EQ(r.rd(2), 0x06);  // line status outranks received data
  EXPECT_EQ(r.rd(5) & 0x03, 0x03);
  EXPECT_EQ(r.rd(5) & 0x02, 0);  // OE cleared by the read
  EXPECT_EQ(r.rd(0), 'a');
}

TEST(DevUart, ModemStatusInterrupt) {
  UartRig r;
  r.wr(1, 0x08);
  r.rd(6);
  r.uart.set_modem_inputs(0x30);  // DCD dropped
  EXPECT_TRUE(r.uart.irq().level());
  EXPECT_EQ(r.rd(2), 0x00);
  EXPECT_EQ(r.rd(6), 0x38);
  EXPECT_FALSE(r.uart.irq().level());
}

TEST(DevUart, ScratchAndIerMask) {
  UartRig r;
  r.wr(7, 0xA5);
  EXPECT_EQ(r.rd(7), 0xA5);
  r.wr(1, 0xFF);
  EXPECT_EQ(r.rd(1), 0x0F);
  r.wr(4, 0xFF);
  EXPECT_EQ(r.rd(4), 0x1F);
}

TEST(DevUart, SerializeMidTransmissionAndGarbage) {
  UartRig r;
  r.wr(2, 0x01);
  r.wr(0, 'q');
  r.wr(0, 'r');
  Serializer save;
  r.uart.serialize(save);
  UartRig r2;
  Serializer load(save.data());
  r2.uart.serialize(load);
  ASSERT_TRUE(load.ok());
  r2.after(2 * 86805);
  EXPECT_EQ(r2.host.output, (std::vector<uint8_t>{'q', 'r'}));
  for (unsigned k = 0; k < 20000; ++k) {
    r.wr(k % 8, uint8_t((k * 2654435761u) >> 7));
    r.rd((k * 5) % 8);
    if (k % 7 == 0) r.uart.receive(reinterpret_cast<const uint8_t*>("zz"), 2);
    r.after(1000);
  }
  SUCCEED();
}

}  // namespace
}  // namespace rz
