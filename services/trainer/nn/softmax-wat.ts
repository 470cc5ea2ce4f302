// Hand-written WebAssembly text (SIMD) for the softmax cross-entropy rows, the log-Q correction
// and ELU forward and backward; wasm-softmax.ts assembles it with wabt at load time, like the GEMM module.
//
// WebAssembly has no exp instruction. The softmax runs expf (expf.ts), float32 on four lanes, the
// same steps as the reference. ELU keeps float64 and needs e^v - 1 near 0 accurate, so its exp
// is V8's Math.exp (fdlibm's __ieee754_exp, as V8 adapts it) on two float64 lanes: the same
// reduction x = k·ln2 + r, the same degree-5 remez polynomial and the same scaling by 2^k, each
// branch of the scalar code turned into a lane select. Every step is an IEEE operation, so the
// lanes give Math.exp's bits (wasm-softmax.spec.ts checks them).
import { EXPF_FLOOR, EXPF_LN2_HI, EXPF_LN2_LO, EXPF_LOG2E, EXPF_POLYNOMIAL } from './expf.js';

/** Locals of one inlined exp, suffixed so that several can run side by side. */
function expLocals(s: string): string {
  return ['x', 'ax', 'k', 'hi', 'lo', 'r', 't', 'c', 'y', 'ki', 'below', 'top', 'twopk', 'second'].map((n) => `(local $${n}${s} v128)`).join(' ');
}

/**
 * $y<s> = e^$x<s> on both float64 lanes, bit for bit as Math.exp. Emitted inline (V8 does not
 * inline WebAssembly calls), twice per loop turn, so two independent chains overlap.
 */
function expInline(s: string): string {
  return `
    (local.set $ax${s} (f64x2.abs (local.get $x${s})))
    ;; k = (int)(x/ln2 ± 0.5), truncated toward zero as the C cast does.
    (local.set $k${s} (f64x2.trunc (f64x2.add
      (f64x2.mul (local.get $x${s}) (v128.const f64x2 1.44269504088896338700e+00 1.44269504088896338700e+00))
      (v128.or (v128.const f64x2 0.5 0.5) (v128.and (local.get $x${s}) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))))
    ;; 0.5·ln2 < |x| < 1.5·ln2 (high word below 0x3FF0A2B2): k = ±1.
    (local.set $k${s} (v128.bitselect
      (v128.or (v128.const f64x2 1 1) (v128.and (local.get $x${s}) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))
      (local.get $k${s})
      (f64x2.lt (local.get $ax${s}) (v128.const i64x2 0x3FF0A2B200000000 0x3FF0A2B200000000))))
    ;; |x| <= 0.5·ln2 (high word at most 0x3FD62E42): k = 0, and then hi = x, lo = 0, so the
    ;; general formula below equals fdlibm's k = 0 one bit for bit.
    (local.set $k${s} (v128.bitselect (v128.const i64x2 0 0) (local.get $k${s})
      (f64x2.le (local.get $ax${s}) (v128.const i64x2 0x3FD62E42FFFFFFFF 0x3FD62E42FFFFFFFF))))
    ;; k·ln2 split in a high part exact in k and a low correction.
    (local.set $hi${s} (f64x2.sub (local.get $x${s}) (f64x2.mul (local.get $k${s}) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))))
    (local.set $lo${s} (f64x2.mul (local.get $k${s}) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
    (local.set $r${s} (f64x2.sub (local.get $hi${s}) (local.get $lo${s})))
    (local.set $t${s} (f64x2.mul (local.get $r${s}) (local.get $r${s})))
    (local.set $c${s} (f64x2.sub (local.get $r${s}) (f64x2.mul (local.get $t${s})
      (f64x2.add (v128.const f64x2 1.66666666666666019037e-01 1.66666666666666019037e-01) (f64x2.mul (local.get $t${s})
      (f64x2.add (v128.const f64x2 -2.77777777770155933842e-03 -2.77777777770155933842e-03) (f64x2.mul (local.get $t${s})
      (f64x2.add (v128.const f64x2 6.61375632143793436117e-05 6.61375632143793436117e-05) (f64x2.mul (local.get $t${s})
      (f64x2.add (v128.const f64x2 -1.65339022054652515390e-06 -1.65339022054652515390e-06) (f64x2.mul (local.get $t${s})
      (v128.const f64x2 4.13813679705723846039e-08 4.13813679705723846039e-08))))))))))))
    (local.set $y${s} (f64x2.sub (v128.const f64x2 1 1)
      (f64x2.sub (f64x2.sub (local.get $lo${s})
        (f64x2.div (f64x2.mul (local.get $r${s}) (local.get $c${s})) (f64x2.sub (v128.const f64x2 2 2) (local.get $c${s}))))
        (local.get $hi${s}))))
    ;; y·2^k by the exponent bits; below k = -1021 fdlibm scales by 2^(k+1000) then 2^-1000 (a
    ;; subnormal result rounds once, in the second product), and k = 1024 takes 2^1023 · 2.
    (local.set $ki${s} (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $k${s}))))
    (local.set $below${s} (i64x2.lt_s (local.get $ki${s}) (v128.const i64x2 -1021 -1021)))
    (local.set $top${s} (i64x2.eq (local.get $ki${s}) (v128.const i64x2 1024 1024)))
    (local.set $ki${s} (i64x2.add (local.get $ki${s}) (v128.bitselect (v128.const i64x2 2023 2023)
      (v128.bitselect (v128.const i64x2 1022 1022) (v128.const i64x2 1023 1023) (local.get $top${s})) (local.get $below${s}))))
    (local.set $twopk${s} (i64x2.shl (local.get $ki${s}) (i32.const 52)))
    (local.set $second${s} (v128.bitselect (v128.const f64x2 0x1p-1000 0x1p-1000)
      (v128.bitselect (v128.const f64x2 2 2) (v128.const f64x2 1 1) (local.get $top${s})) (local.get $below${s})))
    (local.set $y${s} (f64x2.mul (f64x2.mul (local.get $y${s}) (local.get $twopk${s})) (local.get $second${s})))
    ;; The early returns: |x| < 2^-28, overflow, underflow, NaN and V8's exact e^1.
    (local.set $y${s} (v128.bitselect (f64x2.add (v128.const f64x2 1 1) (local.get $x${s})) (local.get $y${s})
      (f64x2.lt (local.get $ax${s}) (v128.const i64x2 0x3E30000000000000 0x3E30000000000000))))
    (local.set $y${s} (v128.bitselect (v128.const f64x2 inf inf) (local.get $y${s})
      (f64x2.gt (local.get $x${s}) (v128.const f64x2 7.09782712893383973096e+02 7.09782712893383973096e+02))))
    (local.set $y${s} (v128.bitselect (v128.const f64x2 0 0) (local.get $y${s})
      (f64x2.lt (local.get $x${s}) (v128.const f64x2 -7.45133219101941108420e+02 -7.45133219101941108420e+02))))
    (local.set $y${s} (v128.bitselect (local.get $x${s}) (local.get $y${s}) (f64x2.ne (local.get $x${s}) (local.get $x${s}))))
    (local.set $y${s} (v128.bitselect (v128.const f64x2 2.718281828459045 2.718281828459045) (local.get $y${s})
      (f64x2.eq (local.get $x${s}) (v128.const f64x2 1 1))))`;
}

/** Locals of the float32 exp. */
const EXPF_LOCALS = ['fx', 'fk', 'fr', 'fz', 'fy'].map((n) => `(local $${n} v128)`).join(' ');

const f32x4 = (v: number): string => `(v128.const f32x4 ${v} ${v} ${v} ${v})`;

/**
 * $fy = expf($fx) on four float32 lanes, the steps of expf.ts's expf one for one: every
 * operation is a float32 IEEE operation there too, so both give the same bits.
 */
function expfInline(): string {
  const step = (a: string, b: string, op: 'add' | 'sub' | 'mul'): string => `(f32x4.${op} ${a} ${b})`;
  const get = (n: string): string => `(local.get $${n})`;
  const poly = EXPF_POLYNOMIAL.slice(1).reduce((acc, c) => step(step(acc, get('fr'), 'mul'), f32x4(c), 'add'), f32x4(EXPF_POLYNOMIAL[0]));
  return `
    (local.set $fk (f32x4.floor ${step(step(get('fx'), f32x4(EXPF_LOG2E), 'mul'), f32x4(0.5), 'add')}))
    (local.set $fr ${step(get('fx'), step(get('fk'), f32x4(EXPF_LN2_HI), 'mul'), 'sub')})
    (local.set $fr ${step(get('fr'), step(get('fk'), f32x4(EXPF_LN2_LO), 'mul'), 'sub')})
    (local.set $fz ${step(get('fr'), get('fr'), 'mul')})
    (local.set $fy ${step(step(step(poly, get('fz'), 'mul'), get('fr'), 'add'), f32x4(1), 'add')})
    ;; times 2^k built in the exponent bits; below the floor, 0 (masked logits included).
    (local.set $fy (f32x4.mul (local.get $fy)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $fk)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))
    (local.set $fy (v128.andnot (local.get $fy) (f32x4.lt (local.get $fx) ${f32x4(EXPF_FLOOR)})))`;
}

export const SOFTMAX_WAT = `
(module
  (memory (import "env" "memory") 1 65536 shared)

  ;; ELU in place on x[count] (count a multiple of 4): v < 0 becomes e^v - 1 in float64,
  ;; rounded to float32, as eluForward computes it.
  (func (export "elu") (param $ptr i32) (param $count i32)
    (local $end i32) (local $v v128)
    ${expLocals('0')}
    ${expLocals('1')}
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $v (v128.load (local.get $ptr)))
        (local.set $x0 (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $x1 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        ${expInline('0')}
        ${expInline('1')}
        (v128.store (local.get $ptr) (v128.bitselect
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (f64x2.sub (local.get $y0) (v128.const f64x2 1 1)))
            (f32x4.demote_f64x2_zero (f64x2.sub (local.get $y1) (v128.const f64x2 1 1))))
          (local.get $v)
          (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $loop))))

  ;; ELU's backward in place on dy[count] (count a multiple of 4) from the output y: where y < 0,
  ;; dy·(y + 1) in float64 rounded to float32, as eluBackward computes it; elsewhere dy·1, dy's bits.
  (func (export "eluBackward") (param $y i32) (param $dy i32) (param $count i32)
    (local $end i32) (local $v v128) (local $g v128) (local $v0 v128) (local $v1 v128)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (local.set $v (v128.load (local.get $y)))
        (local.set $g (v128.load (local.get $dy)))
        (local.set $v0 (f64x2.promote_low_f32x4 (local.get $v)))
        (local.set $v1 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))))
        (v128.store (local.get $dy) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
          (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $g))
            (v128.bitselect (f64x2.add (local.get $v0) (v128.const f64x2 1 1)) (v128.const f64x2 1 1) (f64x2.lt (local.get $v0) (v128.const f64x2 0 0)))))
          (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g)))
            (v128.bitselect (f64x2.add (local.get $v1) (v128.const f64x2 1 1)) (v128.const f64x2 1 1) (f64x2.lt (local.get $v1) (v128.const f64x2 0 0)))))))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (local.set $dy (i32.add (local.get $dy) (i32.const 16)))
        (br $loop))))

  ;; Z[rows, cols] -= q[cols] on every row, in float32 (the log-Q correction).
  (func (export "subtractRows") (param $z i32) (param $rows i32) (param $cols i32) (param $q i32)
    (local $p i32) (local $end i32) (local $end4 i32) (local $qp i32) (local $zEnd i32)
    (local.set $zEnd (i32.add (local.get $z) (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2))))
    (local.set $p (local.get $z))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $zEnd)))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $end4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2))))
        (local.set $qp (local.get $q))
        (block $vecDone
          (loop $vecLoop
            (br_if $vecDone (i32.ge_u (local.get $p) (local.get $end4)))
            (v128.store (local.get $p) (f32x4.sub (v128.load (local.get $p)) (v128.load (local.get $qp))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $qp (i32.add (local.get $qp) (i32.const 16)))
            (br $vecLoop)))
        (block $tailDone
          (loop $tailLoop
            (br_if $tailDone (i32.ge_u (local.get $p) (local.get $end)))
            (f32.store (local.get $p) (f32.sub (f32.load (local.get $p)) (f32.load (local.get $qp))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $qp (i32.add (local.get $qp) (i32.const 4)))
            (br $tailLoop)))
        (br $rowLoop))))

  ;; e^x on a plain float64, for tests against Math.exp.
  (func (export "exp") (param $arg f64) (result f64)
    ${expLocals('')}
    (local.set $x (f64x2.splat (local.get $arg)))
    ${expInline('')}
    (f64x2.extract_lane 0 (local.get $y)))

  ;; Per row r of Z[rows, cols] (float32, in place): max_r, e_j = expf(z_j - max_r) stored as
  ;; float32, sum_r = Σ e_j in float64 (by lane, see below), then z_j = e_j · (scale / sum_r) and
  ;; z_t -= scale at the row's target column t, all roundings as in softmaxCrossEntropy.
  ;; sums (float64) and maxes (float32) go out for the loss, which the caller adds up.
  (func (export "softmaxRows")
    (param $z i32) (param $rows i32) (param $cols i32) (param $targets i32) (param $scale f64)
    (param $sums i32) (param $maxes i32)
    (local $r i32) (local $row i32) (local $end i32) (local $end4 i32) (local $p i32)
    (local $mx v128) (local $m f32) (local $mv v128) (local $s f64) (local $inv v128)
    (local $v v128) (local $tp i32) (local $s01 v128) (local $s23 v128)
    ${EXPF_LOCALS}
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get $z) (i32.shl (i32.mul (local.get $r) (local.get $cols)) (i32.const 2))))
        (local.set $end (i32.add (local.get $row) (i32.shl (local.get $cols) (i32.const 2))))
        (local.set $end4 (i32.add (local.get $row) (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2))))
        ;; The max is exact whatever the order, so four lanes at a time.
        (local.set $mx (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $p (local.get $row))
        (block $maxDone
          (loop $maxLoop
            (br_if $maxDone (i32.ge_u (local.get $p) (local.get $end4)))
            (local.set $mx (f32x4.max (local.get $mx) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $maxLoop)))
        (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $mx)) (f32x4.extract_lane 1 (local.get $mx)))
          (f32.max (f32x4.extract_lane 2 (local.get $mx)) (f32x4.extract_lane 3 (local.get $mx)))))
        (block $maxTailDone
          (loop $maxTail
            (br_if $maxTailDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $m (f32.max (local.get $m) (f32.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $maxTail)))
        (local.set $mv (f32x4.splat (local.get $m)))
        ;; e_j = expf(z_j - max) four at a time, summed in float64 per lane (j mod 4), the lanes
        ;; then added (0 + 1) + (2 + 3) and the leftover columns in order, as the reference does.
        (local.set $s01 (v128.const i64x2 0 0))
        (local.set $s23 (v128.const i64x2 0 0))
        (local.set $p (local.get $row))
        (block $expDone
          (loop $expLoop
            (br_if $expDone (i32.ge_u (local.get $p) (local.get $end4)))
            (local.set $fx (f32x4.sub (v128.load (local.get $p)) (local.get $mv)))
            ${expfInline()}
            (v128.store (local.get $p) (local.get $fy))
            (local.set $s01 (f64x2.add (local.get $s01) (f64x2.promote_low_f32x4 (local.get $fy))))
            (local.set $s23 (f64x2.add (local.get $s23) (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $fy) (local.get $fy)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $expLoop)))
        (local.set $s (f64.add
          (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01)))
          (f64.add (f64x2.extract_lane 0 (local.get $s23)) (f64x2.extract_lane 1 (local.get $s23)))))
        (block $expTailDone
          (loop $expTail
            (br_if $expTailDone (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $fx (f32x4.sub (f32x4.splat (f32.load (local.get $p))) (local.get $mv)))
            ${expfInline()}
            (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $fy)))
            (local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $fy)))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $expTail)))
        ;; z_j = f32(f32(e_j) · scale/sum), four at a time through two float64 pairs.
        (local.set $inv (f64x2.splat (f64.div (local.get $scale) (local.get $s))))
        (local.set $p (local.get $row))
        (block $scaleDone
          (loop $scaleLoop
            (br_if $scaleDone (i32.ge_u (local.get $p) (local.get $end4)))
            (local.set $v (v128.load (local.get $p)))
            (v128.store (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4 (local.get $v)) (local.get $inv)))
              (f32x4.demote_f64x2_zero (f64x2.mul (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v))) (local.get $inv)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $scaleLoop)))
        (block $scaleTailDone
          (loop $scaleTail
            (br_if $scaleTailDone (i32.ge_u (local.get $p) (local.get $end)))
            (f32.store (local.get $p) (f32.demote_f64 (f64.mul (f64.promote_f32 (f32.load (local.get $p))) (f64x2.extract_lane 0 (local.get $inv)))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $scaleTail)))
        (local.set $tp (i32.add (local.get $row)
          (i32.shl (i32.load (i32.add (local.get $targets) (i32.shl (local.get $r) (i32.const 2)))) (i32.const 2))))
        (f32.store (local.get $tp) (f32.demote_f64 (f64.sub (f64.promote_f32 (f32.load (local.get $tp))) (local.get $scale))))
        (f64.store (i32.add (local.get $sums) (i32.shl (local.get $r) (i32.const 3))) (local.get $s))
        (f32.store (i32.add (local.get $maxes) (i32.shl (local.get $r) (i32.const 2))) (local.get $m))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop)))))
`;
