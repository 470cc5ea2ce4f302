// Hand-written WebAssembly text (SIMD) for the GEMM kernels; wasm-gemm.ts assembles it with wabt
// at load time, so the build needs nothing beyond npm and dist/ carries it like any module.
export const GEMM_WAT = `
;; C[rows,cols] += A · B with B row-major [inner,cols] and A addressed by strides, so one kernel
;; serves A·B (aRow = inner*4, aInner = 4) and Aᵀ·G (aRow = 4, aInner = rows*4). Vectorised over
;; the columns: each C element still gets one sum over the inner dimension in index order, like
;; the JavaScript kernels (in float32 where they sum in float64). All addresses are in bytes.
(module
  (memory (export "memory") 1)
  (func (export "gemm")
    (param $a i32) (param $b i32) (param $c i32)
    (param $rows i32) (param $inner i32) (param $cols i32)
    (param $aRow i32) (param $aInner i32)
    (local $i i32) (local $j i32) (local $p i32)
    (local $rows4 i32) (local $cols8 i32) (local $bRow i32) (local $cRow i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $bp i32) (local $cp i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $y0 v128) (local $y1 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $s f32) (local $jStart i32)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols8 (i32.and (local.get $cols) (i32.const -8)))
    (local.set $bRow (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $cRow (i32.shl (local.get $cols) (i32.const 2)))
    ;; 4×8 blocks of C in eight vector accumulators: six loads per eight vector multiply-adds.
    (local.set $i (i32.const 0))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows4)))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $cols8)))
            (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s01 (v128.const i32x4 0 0 0 0))
            (local.set $s10 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
            (local.set $s20 (v128.const i32x4 0 0 0 0)) (local.set $s21 (v128.const i32x4 0 0 0 0))
            (local.set $s30 (v128.const i32x4 0 0 0 0)) (local.set $s31 (v128.const i32x4 0 0 0 0))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
            (local.set $a1 (i32.add (local.get $a0) (local.get $aRow)))
            (local.set $a2 (i32.add (local.get $a1) (local.get $aRow)))
            (local.set $a3 (i32.add (local.get $a2) (local.get $aRow)))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $innerDone
              (loop $innerLoop
                (br_if $innerDone (i32.ge_u (local.get $p) (local.get $inner)))
                (local.set $x0 (f32x4.splat (f32.load (local.get $a0))))
                (local.set $x1 (f32x4.splat (f32.load (local.get $a1))))
                (local.set $x2 (f32x4.splat (f32.load (local.get $a2))))
                (local.set $x3 (f32x4.splat (f32.load (local.get $a3))))
                (local.set $y0 (v128.load (local.get $bp)))
                (local.set $y1 (v128.load offset=16 (local.get $bp)))
                (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $x0) (local.get $y1))))
                (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $x1) (local.get $y1))))
                (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $x2) (local.get $y0))))
                (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $x2) (local.get $y1))))
                (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $x3) (local.get $y0))))
                (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $x3) (local.get $y1))))
                (local.set $a0 (i32.add (local.get $a0) (local.get $aInner)))
                (local.set $a1 (i32.add (local.get $a1) (local.get $aInner)))
                (local.set $a2 (i32.add (local.get $a2) (local.get $aInner)))
                (local.set $a3 (i32.add (local.get $a3) (local.get $aInner)))
                (local.set $bp (i32.add (local.get $bp) (local.get $bRow)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $innerLoop)))
            (local.set $cp (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $s00)))
            (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $s01)))
            (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
            (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $s10)))
            (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $s11)))
            (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
            (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $s20)))
            (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $s21)))
            (local.set $cp (i32.add (local.get $cp) (local.get $cRow)))
            (v128.store (local.get $cp) (f32x4.add (v128.load (local.get $cp)) (local.get $s30)))
            (v128.store offset=16 (local.get $cp) (f32x4.add (v128.load offset=16 (local.get $cp)) (local.get $s31)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $colLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rowLoop)))
    ;; Leftovers, one element at a time: the last cols % 8 columns of the blocked rows, then
    ;; every column of the last rows % 4 rows.
    (local.set $i (i32.const 0))
    (block $tailRowsDone
      (loop $tailRowLoop
        (br_if $tailRowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (select (local.get $cols8) (i32.const 0) (i32.lt_u (local.get $i) (local.get $rows4))))
        (block $tailColsDone
          (loop $tailColLoop
            (br_if $tailColsDone (i32.ge_u (local.get $j) (local.get $cols)))
            (local.set $s (f32.const 0))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $p (i32.const 0))
            (block $tailInnerDone
              (loop $tailInnerLoop
                (br_if $tailInnerDone (i32.ge_u (local.get $p) (local.get $inner)))
                (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a0)) (f32.load (local.get $bp)))))
                (local.set $a0 (i32.add (local.get $a0) (local.get $aInner)))
                (local.set $bp (i32.add (local.get $bp) (local.get $bRow)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $tailInnerLoop)))
            (local.set $cp (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2))))
            (f32.store (local.get $cp) (f32.add (f32.load (local.get $cp)) (local.get $s)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tailColLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tailRowLoop)))))
`;
