// SPDX-License-Identifier: GPL-2.0-or-later
// The guest that tests/arm64/run-qemu-check boots with the real arm64 QEMU
// (-M virt -accel kvm -cpu host -kernel qemu-guest.bin). QEMU loads a flat
// image without the arm64 Image magic at RAM base + 0x80000 and enters it at
// EL1 with the MMU off, so device accesses need no set-up.
// It prints "@@L2-OK" on the virt machine's PL011 (0x09000000) and powers
// the VM off with PSCI SYSTEM_OFF over HVC (the conduit QEMU's virt machine
// uses under KVM); QEMU then exits 0.
	.text
	.globl	_start
_start:
	ldr	x1, =0x09000000		// PL011 base
	mov	w2, #0x301		// UARTCR: UARTEN | TXE | RXE
	str	w2, [x1, #0x30]
	adr	x3, msg
1:	ldrb	w2, [x3], #1
	cbz	w2, 2f
	str	w2, [x1]		// UARTDR
	b	1b
2:	ldr	x0, =0x84000008		// PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
3:	wfi				// not reached
	b	3b
msg:	.asciz	"@@L2-OK\n"
	.balign	8
	.ltorg
