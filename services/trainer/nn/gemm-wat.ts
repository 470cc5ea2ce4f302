// Hand-written WebAssembly text (SIMD) for the GEMM kernels; wasm-gemm.ts assembles it with wabt
// at load time, so the build needs nothing beyond npm and dist/ carries it like any module.
export const GEMM_WAT = `
;; C[rows,cols] += A · B with B row-major [inner,cols] and A addressed by strides, so one kernel
;; serves A·B (aRow = inner*4, aInner = 4) and Aᵀ·G (aRow = 4, aInner = rows*4). Vectorised over
;; the columns, summing in float64 in inner-index order and adding to C in float64 like the
;; JavaScript kernels (their numbers are doubles), so both give the same bits. Addresses in bytes.
(module
  (memory (export "memory") 1)
  (func (export "gemm")
    (param $a i32) (param $b i32) (param $c i32)
    (param $rows i32) (param $inner i32) (param $cols i32)
    (param $aRow i32) (param $aInner i32)
    (local $i i32) (local $j i32) (local $p i32)
    (local $rows2 i32) (local $cols8 i32) (local $bRow i32) (local $cRow i32)
    (local $a0 i32) (local $a1 i32) (local $bp i32) (local $cp i32)
    (local $x0 v128) (local $x1 v128) (local $lo v128) (local $hi v128)
    (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local $s f64)
    (local.set $rows2 (i32.and (local.get $rows) (i32.const -2)))
    (local.set $cols8 (i32.and (local.get $cols) (i32.const -8)))
    (local.set $bRow (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $cRow (i32.shl (local.get $cols) (i32.const 2)))
    ;; 2×8 blocks of C in eight float64x2 accumulators.
    (local.set $i (i32.const 0))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows2)))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $cols8)))
            (local.set $s00 (v128.const i64x2 0 0))
            (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s02 (v128.const i64x2 0 0))
            (local.set $s03 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0))
            (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s12 (v128.const i64x2 0 0))
            (local.set $s13 (v128.const i64x2 0 0))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
            (local.set $a1 (i32.add (local.get $a0) (local.get $aRow)))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $innerDone
              (loop $innerLoop
                (br_if $innerDone (i32.ge_u (local.get $p) (local.get $inner)))
                (local.set $x0 (f64x2.splat (f64.promote_f32 (f32.load (local.get $a0)))))
                (local.set $x1 (f64x2.splat (f64.promote_f32 (f32.load (local.get $a1)))))
                (local.set $lo (v128.load (local.get $bp)))
                (local.set $hi (v128.load offset=16 (local.get $bp)))
                (local.set $y0 (f64x2.promote_low_f32x4 (local.get $lo)))
                (local.set $y1 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $lo) (local.get $lo))))
                (local.set $y2 (f64x2.promote_low_f32x4 (local.get $hi)))
                (local.set $y3 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $hi) (local.get $hi))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
                (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y2))))
                (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y3))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
                (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y2))))
                (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y3))))
                (local.set $a0 (i32.add (local.get $a0) (local.get $aInner)))
                (local.set $a1 (i32.add (local.get $a1) (local.get $aInner)))
                (local.set $bp (i32.add (local.get $bp) (local.get $bRow)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $innerLoop)))
            (local.set $cp (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
            (local.set $lo (v128.load (local.get $cp)))
            (v128.store (local.get $cp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (local.get $lo)) (local.get $s00)))
              (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $lo) (local.get $lo))) (local.get $s01)))))
            (local.set $lo (v128.load offset=16 (local.get $cp)))
            (v128.store offset=16 (local.get $cp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (local.get $lo)) (local.get $s02)))
              (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $lo) (local.get $lo))) (local.get $s03)))))
            (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
            (local.set $lo (v128.load (local.get $cp)))
            (v128.store (local.get $cp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (local.get $lo)) (local.get $s10)))
              (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $lo) (local.get $lo))) (local.get $s11)))))
            (local.set $lo (v128.load offset=16 (local.get $cp)))
            (v128.store offset=16 (local.get $cp) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (local.get $lo)) (local.get $s12)))
              (f32x4.demote_f64x2_zero (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $lo) (local.get $lo))) (local.get $s13)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $colLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rowLoop)))
    ;; Leftovers, one element at a time: the last cols % 8 columns of the blocked rows, then
    ;; every column of the last odd row.
    (local.set $i (i32.const 0))
    (block $tailRowsDone
      (loop $tailRowLoop
        (br_if $tailRowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (select (local.get $cols8) (i32.const 0) (i32.lt_u (local.get $i) (local.get $rows2))))
        (block $tailColsDone
          (loop $tailColLoop
            (br_if $tailColsDone (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $s (f64.const 0))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $tailInnerDone
              (loop $tailInnerLoop
                (br_if $tailInnerDone (i32.ge_u (local.get $p) (local.get $inner)))
                (local.set $s (f64.add (local.get $s)
                  (f64.mul (f64.promote_f32 (f32.load (local.get $a0))) (f64.promote_f32 (f32.load (local.get $bp))))))
                (local.set $a0 (i32.add (local.get $a0) (local.get $aInner)))
                (local.set $bp (i32.add (local.get $bp) (local.get $bRow)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $tailInnerLoop)))
            (local.set $cp (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
            (f32.store (local.get $cp) (f32.demote_f64 (f64.add (f64.promote_f32 (f32.load (local.get $cp))) (local.get $s))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tailColLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tailRowLoop)))))
`;
