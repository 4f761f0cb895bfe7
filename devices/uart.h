// devices/uart.h: the National Semiconductor NS16550A UART (PC COM ports: COM1 at
// 0x3F8/IRQ4, COM2 at 0x2F8/IRQ3).
//
// Registers by the data sheet: RBR/THR and DLL/DLM behind DLAB, IER, IIR with its
// priorities (line status > received data / character timeout > THR empty > modem
// status), FCR with 16-byte FIFOs and trigger levels 1/4/8/14, LCR, MCR (loopback and
// OUT2, which gates the IRQ onto the ISA bus), LSR, MSR with delta bits, SCR.  Each
// character takes start + data + parity + stop bits at divisor*16 clocks of the
// 1.8432 MHz crystal per bit of virtual time: transmission and the receiver's pacing
// are scheduler events.  Host input is queued outside the FIFO (up to 4 KiB, the rest
// is dropped) and moved into the receiver one character time apart while the FIFO has
// room, so a slow guest is flow-controlled rather than overrun; loopback data can
// overrun (OE) as on the chip.  A break set in LCR while in loopback reaches the
// receiver as the data sheet describes: after one character time a zero character is
// loaded with BI, which shows in LSR when it reaches the top of the FIFO (and in LSR
// bit 7 while any such character waits).  Not modelled: parity/framing errors (nothing
// on a virtual line produces them), a break sent to the host back-end, DMA mode
// signalling (TXRDY/RXRDY).
// set_paced(false) drops the line timing, as QEMU's UART has none: a character written to
// an idle transmitter leaves at once and host input fills the FIFO at once; everything else
// behaves as above.  The PC machine runs unpaced unless --serial-timing=line asks for the
// chip's timing: at Linux's default 9600 baud the paced console costs about 1 ms of guest
// time per character, which was most of the Linux boot's guest time.
#pragma once

#include <array>
#include <cstdint>

#include "devices/bus.h"
#include "devices/char_backend.h"
#include "devices/irq.h"
#include "devices/scheduler.h"
#include "devices/serialize.h"

namespace rz {

struct UartState {
  uint8_t ier = 0, lcr = 0, mcr = 0, scr = 0, dll = 12, dlm = 0;  // 9600 baud
  uint8_t lsr_errors = 0;    // OE/PE/FE/BI (sticky until LSR is read)
  uint8_t rbr = 0;           // last character read (RBR keeps it when the FIFO is empty)
  uint8_t msr_delta = 0;     // DCTS/DDSR/TERI/DDCD
  uint8_t modem_in = 0xB0;   // DCD, DSR, CTS from the far end (bits 4-7 positions)
  uint8_t msr_lines = 0xB0;  // line bits as last seen (for the deltas)
  bool fifo_enabled = false;
  uint8_t fcr_trigger = 0;  // FCR bits 7-6
  std::array<uint8_t, 16> rx{}, tx{};
  std::array<uint8_t, 16> rx_err{};  // per received character: BI/FE/PE bits
  uint8_t rx_head = 0, rx_count = 0, tx_head = 0, tx_count = 0;
  bool tsr_busy = false;
  uint8_t tsr = 0;
  bool thre_pending = false;
  bool timeout_pending = false;
  int64_t rx_activity_ns = 0;
  int64_t tx_due = -1, rx_due = -1, timeout_due = -1, break_due = -1;  // armed events
  std::array<uint8_t, 4096> host_in{};
  uint16_t host_head = 0, host_count = 0;
  bool unpaced = false;
};

class Uart16550 {
 public:
  Uart16550(Scheduler& sched, uint16_t base);
  Uart16550(const Uart16550&) = delete;
  Uart16550& operator=(const Uart16550&) = delete;
  ~Uart16550();

  void map_ports(PortBus& bus);
  IrqLine& irq() { return irq_; }
  void set_backend(CharBackend* b) { backend_ = b; }

  uint8_t read(unsigned reg);
  void write(unsigned reg, uint8_t v);

  // Host input (paced into the receiver at the line rate); returns bytes accepted.
  size_t receive(const uint8_t* data, size_t n);
  // Pull pending input from the back-end, if any.
  void poll_backend();
  // Modem status inputs from the far end (MSR bit positions: 0x10 CTS, 0x20 DSR,
  // 0x40 RI, 0x80 DCD).
  void set_modem_inputs(uint8_t lines);

  int64_t char_time_ns() const;
  // Line timing on (default) or off (see the file comment).
  void set_paced(bool paced) { s_.unpaced = !paced; }
  uint16_t base() const { return base_; }
  void serialize(Serializer& s);

 private:
  bool loopback() const { return s_.mcr & 0x10; }
  unsigned rx_capacity() const { return s_.fifo_enabled ? 16 : 1; }
  unsigned tx_capacity() const { return s_.fifo_enabled ? 16 : 1; }
  unsigned trigger_level() const;
  uint8_t lsr() const;
  uint8_t iir() const;
  uint8_t msr_lines_now() const;
  void update_msr();
  void update_irq();
  void rx_push(uint8_t byte, uint8_t errors = 0);
  void start_tx();
  void arm(EventId& id, int64_t& due, int64_t when, void (Uart16550::*fn)());
  void disarm(EventId& id, int64_t& due);
  void on_tx_done();
  void on_rx_pace();
  void on_timeout();
  void on_break();
  void arm_timeout();
  void kick_rx_pace();

  Scheduler& sched_;
  uint16_t base_;
  UartState s_;
  IrqLine irq_;
  CharBackend* backend_ = nullptr;
  EventId tx_ev_ = 0, rx_ev_ = 0, to_ev_ = 0, brk_ev_ = 0;
};

}  // namespace rz
