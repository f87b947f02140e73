/*
 * guest: service-only
 * (not for test/integration/guests.test.ts, whose service VM has no GIC and whose QEMU runs a GICv2:
 * test/integration/gic-diff.test.ts runs it against QEMU -M virt,gic-version=3 itself)
 *
 * GICv3 on one vCPU, deterministically (Arm IHI 0069): no timers, no other vCPU, and IRQs
 * masked at PSTATE (DAIF.I = 1) throughout, so nothing is ever taken: the program drives the
 * CPU interface by hand. Distributor at 0x08000000, redistributor of CPU 0 at 0x080a0000 (QEMU
 * virt's GICv3 map, which the differential test gives the service's VGIC too).
 *
 * - set-up: GICD_CTLR ARE_NS | EnableGrp1 (RWP polled), GICR_WAKER.ProcessorSleep cleared and
 *   ChildrenAsleep polled, every SGI/PPI group 1 and the SGIs enabled, ICC_SRE_EL1.SRE,
 *   ICC_PMR_EL1 0xf0, ICC_BPR1_EL1, ICC_IGRPEN1_EL1;
 * - priority order (§4.8): four SGIs sent to self with ICC_SGI1R_EL1 at different priorities
 *   are acknowledged highest priority first, with ICC_RPR_EL1 the running priority after each
 *   acknowledge, and a lower-priority pending SGI does not preempt (IAR reads 1023);
 * - preemption by group priority (§4.8.3): with BPR1 = 4 (group priority bits 7:4) a pending
 *   0x40 does not preempt an active 0x48 (same group priority 0x40); with BPR1 = 3 it does;
 * - EOImode 1 (§4.1.1): ICC_EOIR1_EL1 drops the priority but leaves the SGI active until
 *   ICC_DIR_EL1; an SGI active and pending is not the highest pending interrupt meanwhile;
 * - an SPI made pending with GICD_ISPENDR and acknowledged;
 * - 1023 (spurious) from ICC_IAR1_EL1 and ICC_HPPIR1_EL1 when nothing is pending.
 *
 * Printed: only architecturally defined values (no IIDR/TYPER, no ICC_CTLR_EL1 ID fields, no
 * GICR_WAKER, which KVM makes RAZ/WI), each also self-checked.
 */
#include "harness.h"

#define GICD 0x08000000
#define GICR 0x080a0000
#define SGI_BASE (GICR + 0x10000)

#define GICD_CTLR 0x0000
#define GICD_IGROUPR1 0x0084
#define GICD_ISENABLER1 0x0104
#define GICD_ISPENDR1 0x0204
#define GICD_ICPENDR1 0x0284
#define GICD_ISACTIVER1 0x0304
#define GICD_IPRIORITYR10 0x0428
#define GICD_ICFGR2 0x0c08
#define GICD_IROUTER40 0x6140

#define GICR_WAKER 0x0014
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ISPENDR0 0x0200
#define GICR_ISACTIVER0 0x0300
#define GICR_IPRIORITYR0 0x0400

/* ICC system registers by their encodings (Arm IHI 0069 §12.2). */
#define ICC_PMR_EL1 s3_0_c4_c6_0
#define ICC_IAR1_EL1 s3_0_c12_c12_0
#define ICC_EOIR1_EL1 s3_0_c12_c12_1
#define ICC_HPPIR1_EL1 s3_0_c12_c12_2
#define ICC_BPR1_EL1 s3_0_c12_c12_3
#define ICC_CTLR_EL1 s3_0_c12_c12_4
#define ICC_SRE_EL1 s3_0_c12_c12_5
#define ICC_IGRPEN1_EL1 s3_0_c12_c12_7
#define ICC_DIR_EL1 s3_0_c12_c11_1
#define ICC_RPR_EL1 s3_0_c12_c11_3
#define ICC_SGI1R_EL1 s3_0_c12_c11_5

/* Print a register and check it against the architectural value. */
.macro SHOW name, reg, val
  PRINT_REG \name, \reg
  CHECK(\reg, \val)
.endm

/* Read a 32-bit MMIO register at base + off into w0, print and check it (clobbers x0, x9). */
.macro MMIO_SHOW name, base, off, val
  MOV64 x9, (\base + \off)
  ldr w0, [x9]
  SHOW \name, x0, \val
.endm

.macro MMIO_WRITE base, off, val
  MOV64 x9, (\base + \off)
  MOV64 x10, (\val)
  str w10, [x9]
.endm

/* The redistributor's SGI/PPI pending and active bits (clobbers x0, x9). */
.macro SGI_STATE pend, act
  MMIO_SHOW "gicr_ispendr0", SGI_BASE, GICR_ISPENDR0, \pend
  MMIO_SHOW "gicr_isactiver0", SGI_BASE, GICR_ISACTIVER0, \act
.endm

/* Send SGI n to this CPU: TargetList bit 0 (Aff0 0), Aff3.2.1 = 0, IRM = 0 (clobbers x10). */
.macro SEND_SGI n
  MOV64 x10, ((\n << 24) | 1)
  msr ICC_SGI1R_EL1, x10
  isb
.endm

/* Acknowledge: x1 = ICC_IAR1_EL1 (printed and checked), then ICC_RPR_EL1 (printed and checked). */
.macro ACK intid, rpr
  mrs x1, ICC_IAR1_EL1
  SHOW "iar1", x1, \intid
  mrs x2, ICC_RPR_EL1
  SHOW "rpr", x2, \rpr
.endm

/* End of interrupt x-reg (priority drop, and with EOImode 0 deactivation); then RPR. */
.macro EOI reg, rpr
  msr ICC_EOIR1_EL1, \reg
  isb
  mrs x2, ICC_RPR_EL1
  SHOW "rpr", x2, \rpr
.endm

.macro HPPI intid
  mrs x3, ICC_HPPIR1_EL1
  SHOW "hppir1", x3, \intid
.endm

  .text
  .global main
main:
  stp x29, x30, [sp, #-16]!
  mrs x0, daif
  CHECK(x0, 0x3c0)                 /* IRQs masked at PSTATE: nothing below is taken */

  PRINT "-- set-up\n"
  MMIO_WRITE GICD, GICD_CTLR, 0x12 /* ARE_NS | EnableGrp1 (NS) */
  MOV64 x9, GICD
1:ldr w0, [x9, #GICD_CTLR]         /* RWP */
  tbnz w0, #31, 1b
  SHOW "gicd_ctlr", x0, 0x52       /* ARE_NS | EnableGrp1, and DS: one Security state */
  MOV64 x9, (GICR + GICR_WAKER)
  ldr w0, [x9]
  bic w0, w0, #2                   /* ProcessorSleep */
  str w0, [x9]
2:ldr w0, [x9]
  tbnz w0, #2, 2b                  /* ChildrenAsleep */
  MMIO_WRITE SGI_BASE, GICR_IGROUPR0, 0xffffffff
  MMIO_WRITE SGI_BASE, GICR_ISENABLER0, 0x0000ffff

  mrs x0, ICC_SRE_EL1
  orr x0, x0, #1
  msr ICC_SRE_EL1, x0
  isb
  mrs x0, ICC_SRE_EL1
  and x0, x0, #1
  SHOW "icc_sre.sre", x0, 1
  mov x0, #0xf0
  msr ICC_PMR_EL1, x0
  mrs x0, ICC_PMR_EL1
  SHOW "icc_pmr", x0, 0xf0
  /* Below the minimum (5 priority bits: 3 for BPR1 in Non-secure) reads as the minimum. */
  msr ICC_BPR1_EL1, xzr
  mrs x0, ICC_BPR1_EL1
  SHOW "icc_bpr1", x0, 3
  mov x0, #1
  msr ICC_IGRPEN1_EL1, x0
  mrs x0, ICC_IGRPEN1_EL1
  SHOW "icc_igrpen1", x0, 1
  mrs x0, ICC_CTLR_EL1
  bic x0, x0, #3                   /* CBPR 0, EOImode 0 */
  msr ICC_CTLR_EL1, x0
  isb
  mrs x0, ICC_CTLR_EL1
  and x0, x0, #3
  SHOW "icc_ctlr.eoimode_cbpr", x0, 0
  SGI_STATE 0, 0
  HPPI 1023
  ACK 1023, 0xff

  PRINT "-- priority order\n"
  /* SGI 1: 0x80, SGI 2: 0x40, SGI 3: 0xa0, SGI 4: 0x60 (IPRIORITYR0 bytes 1..4). */
  MMIO_WRITE SGI_BASE, GICR_IPRIORITYR0, 0xa0408000
  MMIO_WRITE SGI_BASE, (GICR_IPRIORITYR0 + 4), 0x00000060
  SEND_SGI 1
  SEND_SGI 2
  SEND_SGI 3
  SEND_SGI 4
  SGI_STATE 0x1e, 0
  HPPI 2
  ACK 2, 0x40
  SGI_STATE 0x1a, 0x04
  HPPI 4
  /* 0x60 does not preempt the running 0x40: no acknowledge. */
  mrs x4, ICC_IAR1_EL1
  SHOW "iar1", x4, 1023
  EOI x1, 0xff
  SGI_STATE 0x1a, 0
  ACK 4, 0x60
  EOI x1, 0xff
  ACK 1, 0x80
  EOI x1, 0xff
  ACK 3, 0xa0
  SGI_STATE 0, 0x08
  EOI x1, 0xff
  SGI_STATE 0, 0
  ACK 1023, 0xff

  PRINT "-- preemption by group priority, bpr1=4\n"
  /* SGI 5: 0x48, SGI 6: 0x40 (IPRIORITYR1 bytes 1, 2). */
  MMIO_WRITE SGI_BASE, (GICR_IPRIORITYR0 + 4), 0x00404860
  mov x0, #4
  msr ICC_BPR1_EL1, x0
  mrs x0, ICC_BPR1_EL1
  SHOW "icc_bpr1", x0, 4
  SEND_SGI 5
  ACK 5, 0x40                      /* the group priority 0x48 & 0xf0 */
  mov x5, x1
  SEND_SGI 6
  SGI_STATE 0x40, 0x20
  HPPI 6
  mrs x4, ICC_IAR1_EL1
  SHOW "iar1", x4, 1023            /* 0x40 & 0xf0 is not higher than 0x40 */
  EOI x5, 0xff
  ACK 6, 0x40
  EOI x1, 0xff

  PRINT "-- preemption by group priority, bpr1=3\n"
  mov x0, #3
  msr ICC_BPR1_EL1, x0
  mrs x0, ICC_BPR1_EL1
  SHOW "icc_bpr1", x0, 3
  SEND_SGI 5
  ACK 5, 0x48
  mov x5, x1
  SEND_SGI 6
  HPPI 6
  ACK 6, 0x40                      /* 0x40 preempts 0x48 */
  SGI_STATE 0, 0x60
  EOI x1, 0x48
  SGI_STATE 0, 0x20
  EOI x5, 0xff
  SGI_STATE 0, 0

  PRINT "-- eoimode 1\n"
  mrs x0, ICC_CTLR_EL1
  orr x0, x0, #2
  msr ICC_CTLR_EL1, x0
  isb
  mrs x0, ICC_CTLR_EL1
  and x0, x0, #3
  SHOW "icc_ctlr.eoimode_cbpr", x0, 2
  /* SGI 7: 0x80. */
  MMIO_WRITE SGI_BASE, (GICR_IPRIORITYR0 + 4), 0x80404860
  SEND_SGI 7
  ACK 7, 0x80
  EOI x1, 0xff                     /* priority drop only */
  SGI_STATE 0, 0x80
  SEND_SGI 7                       /* active and pending: not a pending candidate */
  SGI_STATE 0x80, 0x80
  HPPI 1023
  mrs x4, ICC_IAR1_EL1
  SHOW "iar1", x4, 1023
  msr ICC_DIR_EL1, x1
  isb
  SGI_STATE 0x80, 0
  HPPI 7
  ACK 7, 0x80
  SGI_STATE 0, 0x80
  EOI x1, 0xff
  SGI_STATE 0, 0x80
  msr ICC_DIR_EL1, x1
  isb
  SGI_STATE 0, 0
  mrs x0, ICC_CTLR_EL1
  bic x0, x0, #2
  msr ICC_CTLR_EL1, x0
  isb

  PRINT "-- spi 40\n"
  MMIO_WRITE GICD, GICD_IGROUPR1, 0x00000100
  MMIO_WRITE GICD, GICD_ICFGR2, 0x00020000       /* edge-triggered */
  MMIO_WRITE GICD, GICD_IPRIORITYR10, 0x00000090
  MMIO_WRITE GICD, GICD_IROUTER40, 0             /* Aff 0.0.0.0, IRM 0: this CPU */
  MMIO_WRITE GICD, (GICD_IROUTER40 + 4), 0
  MMIO_WRITE GICD, GICD_ISENABLER1, 0x00000100
  MMIO_SHOW "gicd_ispendr1", GICD, GICD_ISPENDR1, 0
  HPPI 1023
  MMIO_WRITE GICD, GICD_ISPENDR1, 0x00000100
  MMIO_SHOW "gicd_ispendr1", GICD, GICD_ISPENDR1, 0x100
  MMIO_SHOW "gicd_isactiver1", GICD, GICD_ISACTIVER1, 0
  HPPI 40
  ACK 40, 0x90
  MMIO_SHOW "gicd_ispendr1", GICD, GICD_ISPENDR1, 0
  MMIO_SHOW "gicd_isactiver1", GICD, GICD_ISACTIVER1, 0x100
  EOI x1, 0xff
  MMIO_SHOW "gicd_isactiver1", GICD, GICD_ISACTIVER1, 0
  /* Pending again, then cleared with GICD_ICPENDR before it is acknowledged. */
  MMIO_WRITE GICD, GICD_ISPENDR1, 0x00000100
  HPPI 40
  MMIO_WRITE GICD, GICD_ICPENDR1, 0x00000100
  MMIO_SHOW "gicd_ispendr1", GICD, GICD_ISPENDR1, 0

  PRINT "-- nothing pending\n"
  HPPI 1023
  ACK 1023, 0xff
  SGI_STATE 0, 0

  /* The final register dump shows x1..x5 as the last steps left them. */
  mov x0, #0
  mov x9, #0
  mov x10, #0
  ldp x29, x30, [sp], #16
  ret
