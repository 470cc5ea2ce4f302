// Hand-written WebAssembly text (SIMD) for the kernels over resident parameters: Adam, the merge of
// another thread's gradients, and the embedding bag's gather and scatter-add. wasm-param.ts
// assembles it with wabt at load time. Each computes in the reference's precision and order:
// float64 where the JavaScript (adam-update.ts, embedding.ts) computes in doubles and rounds on
// store (two lanes of f64x2, promoted from and demoted to float32), float32 for the merge's
// float32 adds, so both give the same bits. Addresses in bytes.

/**
 * The loop over the spans of $width floats from the float indices at $starts ($count of them),
 * with $o the span's byte offset, running `call` for each.
 */
const spanLoop = (call: string): string => `
    (local.set $end (i32.add (local.get $starts) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $span
        (br_if $done (i32.ge_u (local.get $starts) (local.get $end)))
        (local.set $o (i32.shl (i32.load (local.get $starts)) (i32.const 2)))
        ${call}
        (local.set $starts (i32.add (local.get $starts) (i32.const 4)))
        (br $span)))`;

/**
 * The loop over rows r < $rows and their bag entries n < $bag, with $row = `rowBase` + r·$rowBytes
 * and $e the entry's byte offset in ids and weights, running `body` for each entry whose weight
 * $wt is not zero.
 */
const bagLoop = (rowBase: string, body: string): string => `
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $row (i32.add (local.get ${rowBase}) (i32.mul (local.get $r) (local.get $rowBytes))))
        (local.set $n (i32.const 0))
        (block $bagDone
          (loop $bagLoop
            (br_if $bagDone (i32.ge_u (local.get $n) (local.get $bag)))
            (local.set $e (i32.shl (i32.add (i32.mul (local.get $r) (local.get $bag)) (local.get $n)) (i32.const 2)))
            (local.set $wt (f32.load (i32.add (local.get $weights) (local.get $e))))
            (if (f32.ne (local.get $wt) (f32.const 0))
              (then ${body}))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $bagLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop)))`;

/** Two float32 at `addr` as f64x2. */
const load2 = (addr: string): string => `(f64x2.promote_low_f32x4 (v128.load64_zero ${addr}))`;
/** Stores an f64x2 as two float32 at `addr`, rounded to nearest as a Float32Array store does. */
const store2 = (addr: string, value: string): string => `(v128.store64_lane 0 ${addr} (f32x4.demote_f64x2_zero ${value}))`;

export const PARAM_WAT = `
(module
  (memory (import "env" "memory") 1 65536 shared)

  ;; g[i] += s[i]; s[i] = 0 over count floats, in float32.
  (func $addClearSpan (param $g i32) (param $s i32) (param $count i32)
    (local $end i32) (local $end4 i32)
    (local.set $end (i32.add (local.get $g) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $g) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $g) (local.get $end4)))
        (v128.store (local.get $g) (f32x4.add (v128.load (local.get $g)) (v128.load (local.get $s))))
        (v128.store (local.get $s) (v128.const i64x2 0 0))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (local.set $s (i32.add (local.get $s) (i32.const 16)))
        (br $vec)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $g) (local.get $end)))
        (f32.store (local.get $g) (f32.add (f32.load (local.get $g)) (f32.load (local.get $s))))
        (f32.store (local.get $s) (f32.const 0))
        (local.set $g (i32.add (local.get $g) (i32.const 4)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (br $tail))))

  ;; Adam on count floats, as adam-update.ts: c1 = 1 - beta1, c2 = 1 - beta2; clears g.
  (func $adamSpan (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $count i32)
    (param $b1 f64) (param $c1 f64) (param $b2 f64) (param $c2 f64) (param $stepSize f64) (param $eps f64)
    (local $o i32) (local $end i32) (local $end2 i32)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128) (local $S v128) (local $E v128)
    (local $gi v128) (local $mi v128) (local $vi v128)
    (local $gs f64) (local $ms f64) (local $vs f64)
    (local.set $B1 (f64x2.splat (local.get $b1)))
    (local.set $C1 (f64x2.splat (local.get $c1)))
    (local.set $B2 (f64x2.splat (local.get $b2)))
    (local.set $C2 (f64x2.splat (local.get $c2)))
    (local.set $S (f64x2.splat (local.get $stepSize)))
    (local.set $E (f64x2.splat (local.get $eps)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $end2 (i32.shl (i32.and (local.get $count) (i32.const -2)) (i32.const 2)))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $o) (local.get $end2)))
        (local.set $gi ${load2('(i32.add (local.get $g) (local.get $o))')})
        (i64.store (i32.add (local.get $g) (local.get $o)) (i64.const 0))
        (local.set $mi (f64x2.add (f64x2.mul (local.get $B1) ${load2('(i32.add (local.get $m) (local.get $o))')}) (f64x2.mul (local.get $C1) (local.get $gi))))
        (local.set $vi (f64x2.add (f64x2.mul (local.get $B2) ${load2('(i32.add (local.get $v) (local.get $o))')}) (f64x2.mul (f64x2.mul (local.get $C2) (local.get $gi)) (local.get $gi))))
        ${store2('(i32.add (local.get $m) (local.get $o))', '(local.get $mi)')}
        ${store2('(i32.add (local.get $v) (local.get $o))', '(local.get $vi)')}
        ${store2('(i32.add (local.get $w) (local.get $o))', `(f64x2.sub ${load2('(i32.add (local.get $w) (local.get $o))')}
          (f64x2.div (f64x2.mul (local.get $S) (local.get $mi)) (f64x2.add (f64x2.sqrt (local.get $vi)) (local.get $E))))`)}
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $pairs)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then
        (local.set $gs (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o)))))
        (f32.store (i32.add (local.get $g) (local.get $o)) (f32.const 0))
        (local.set $ms (f64.add (f64.mul (local.get $b1) (f64.promote_f32 (f32.load (i32.add (local.get $m) (local.get $o))))) (f64.mul (local.get $c1) (local.get $gs))))
        (local.set $vs (f64.add (f64.mul (local.get $b2) (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $o))))) (f64.mul (f64.mul (local.get $c2) (local.get $gs)) (local.get $gs))))
        (f32.store (i32.add (local.get $m) (local.get $o)) (f32.demote_f64 (local.get $ms)))
        (f32.store (i32.add (local.get $v) (local.get $o)) (f32.demote_f64 (local.get $vs)))
        (f32.store (i32.add (local.get $w) (local.get $o)) (f32.demote_f64 (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $o))))
          (f64.div (f64.mul (local.get $stepSize) (local.get $ms)) (f64.add (f64.sqrt (local.get $vs)) (local.get $eps)))))))))

  ;; addClearSpan on the spans of width floats from the float indices starts[s], s < count.
  (func (export "addClear") (param $g i32) (param $s i32) (param $starts i32) (param $count i32) (param $width i32)
    (local $end i32) (local $o i32)
    ${spanLoop('(call $addClearSpan (i32.add (local.get $g) (local.get $o)) (i32.add (local.get $s) (local.get $o)) (local.get $width))')})

  ;; adamSpan on the spans of width floats from the float indices starts[s], s < count.
  (func (export "adam") (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $starts i32) (param $count i32) (param $width i32)
    (param $b1 f64) (param $c1 f64) (param $b2 f64) (param $c2 f64) (param $stepSize f64) (param $eps f64)
    (local $end i32) (local $o i32)
    ${spanLoop(`(call $adamSpan (i32.add (local.get $w) (local.get $o)) (i32.add (local.get $g) (local.get $o)) (i32.add (local.get $m) (local.get $o)) (i32.add (local.get $v) (local.get $o))
          (local.get $width) (local.get $b1) (local.get $c1) (local.get $b2) (local.get $c2) (local.get $stepSize) (local.get $eps))`)})

  ;; dst[width] = fround(dst + wt · src) in float64, as the reference's "+= wt * x" on float32 arrays.
  (func $axpy (param $dst i32) (param $src i32) (param $wt f64) (param $width i32)
    (local $o i32) (local $end i32) (local $end2 i32) (local $W v128)
    (local.set $W (f64x2.splat (local.get $wt)))
    (local.set $end (i32.shl (local.get $width) (i32.const 2)))
    (local.set $end2 (i32.shl (i32.and (local.get $width) (i32.const -2)) (i32.const 2)))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.ge_u (local.get $o) (local.get $end2)))
        ${store2('(i32.add (local.get $dst) (local.get $o))', `(f64x2.add ${load2('(i32.add (local.get $dst) (local.get $o))')} (f64x2.mul (local.get $W) ${load2('(i32.add (local.get $src) (local.get $o))')}))`)}
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (br $pairs)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then
        (f32.store (i32.add (local.get $dst) (local.get $o)) (f32.demote_f64 (f64.add
          (f64.promote_f32 (f32.load (i32.add (local.get $dst) (local.get $o))))
          (f64.mul (local.get $wt) (f64.promote_f32 (f32.load (i32.add (local.get $src) (local.get $o)))))))))))

  ;; out[r] = Σ_n w[r,n] · T[ids[r,n]] for r < rows, bags of length bag, rows width floats wide; zero weights skipped.
  (func (export "bagForward") (param $table i32) (param $ids i32) (param $weights i32) (param $out i32) (param $rows i32) (param $bag i32) (param $width i32)
    (local $r i32) (local $n i32) (local $e i32) (local $wt f32) (local $rowBytes i32) (local $row i32)
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $rows) (local.get $rowBytes)))
    ${bagLoop('$out', `(call $axpy (local.get $row)
                (i32.add (local.get $table) (i32.mul (i32.load (i32.add (local.get $ids) (local.get $e))) (local.get $rowBytes)))
                (f64.promote_f32 (local.get $wt)) (local.get $width))`)})

  ;; G[ids[r,n]] += w[r,n] · dy[r] for every non-zero bag entry, in row and bag order, marking touched[id] = 1 (touched -1: none).
  (func (export "bagBackward") (param $grad i32) (param $touched i32) (param $ids i32) (param $weights i32) (param $dy i32) (param $rows i32) (param $bag i32) (param $width i32)
    (local $r i32) (local $n i32) (local $e i32) (local $wt f32) (local $id i32) (local $rowBytes i32) (local $row i32)
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 2)))
    ${bagLoop('$dy', `
                (local.set $id (i32.load (i32.add (local.get $ids) (local.get $e))))
                (call $axpy (i32.add (local.get $grad) (i32.mul (local.get $id) (local.get $rowBytes))) (local.get $row) (f64.promote_f32 (local.get $wt)) (local.get $width))
                (if (i32.ne (local.get $touched) (i32.const -1))
                  (then (i32.store8 (i32.add (local.get $touched) (local.get $id)) (i32.const 1))))`)})
)
`;
