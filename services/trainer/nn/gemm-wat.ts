// Hand-written WebAssembly text (SIMD) for the GEMM kernels, generated for one register block
// shape; wasm-gemm.ts assembles it with wabt at load time, so the build needs nothing beyond npm
// and dist/ carries it like any module.
//
// C[rows,cols] += A · B with B row-major [inner,cols], C's rows $cRow bytes apart (a band of a
// wider C) and A addressed by strides, so one kernel serves A·B (aRow = inner*4, aInner = 4)
// and Aᵀ·G (aRow = 4, aInner = rows*4). Vectorised over the columns in float32x4, each C element
// gets one float32 sum over the inner index in order, then one float32 add to C: the JavaScript
// kernels' arithmetic (matmul.ts), so both give the same bits. Addresses in bytes.

/** Rows × 4-column vectors of C held in registers over the whole inner loop. */
interface GemmBlock {
  readonly rows: number;
  readonly vectors: number;
}

/** 4 rows × 8 columns: eight accumulators, two B vectors and a splat fit x64's sixteen vector registers. */
const GEMM_BLOCK: GemmBlock = { rows: 4, vectors: 2 };

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * One pass over the column tiles [$j, $jEnd) in steps of 4·v for the r rows from $i: the
 * accumulators $s<row>_<vec> sum A's rows times B's vectors, then C gets them added.
 */
function tileLoop(r: number, v: number, label: string, jEnd: string): string {
  const acc = (row: number, vec: number): string => `$s${row}_${vec}`;
  const zero = range(r).flatMap((row) => range(v).map((vec) => `(local.set ${acc(row, vec)} (v128.const i64x2 0 0))`));
  const inner = [
    ...range(v).map((vec) => `(local.set $y${vec} (v128.load offset=${vec * 16} (local.get $bp)))`),
    ...range(r).flatMap((row) => [
      `(local.set $x (f32x4.splat (f32.load (local.get $a${row}))))`,
      ...range(v).map((vec) => `(local.set ${acc(row, vec)} (f32x4.add (local.get ${acc(row, vec)}) (f32x4.mul (local.get $x) (local.get $y${vec}))))`),
      `(local.set $a${row} (i32.add (local.get $a${row}) (local.get $aInner)))`,
    ]),
  ];
  const store = range(r).flatMap((row) => [
    row === 0 ? '' : '(local.set $cp (i32.add (local.get $cp) (local.get $cRow)))',
    ...range(v).map((vec) => `(v128.store offset=${vec * 16} (local.get $cp) (f32x4.add (v128.load offset=${vec * 16} (local.get $cp)) (local.get ${acc(row, vec)})))`),
  ]);
  return `
    (block $${label}Done
      (loop $${label}
        (br_if $${label}Done (i32.ge_u (i32.add (local.get $j) (i32.const ${4 * v - 1})) (local.get ${jEnd})))
        ${zero.join('\n        ')}
        ${range(r).map((row) => `(local.set $a${row} (i32.add (local.get $a) (i32.mul (i32.add (local.get $i) (i32.const ${row})) (local.get $aRow))))`).join('\n        ')}
        (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $p (local.get $inner))
        (block $${label}InnerDone
          (loop $${label}Inner
            (br_if $${label}InnerDone (i32.eqz (local.get $p)))
            ${inner.join('\n            ')}
            (local.set $bp (i32.add (local.get $bp) (local.get $bRow)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $${label}Inner)))
        (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $cRow))) (i32.shl (local.get $j) (i32.const 2))))
        ${store.filter((s) => s !== '').join('\n        ')}
        (local.set $j (i32.add (local.get $j) (i32.const ${4 * v})))
        (br $${label})))`;
}

/** The leftover columns [$j, $cols) of row $i, one element at a time with the same float32 steps. */
const SCALAR_COLUMNS = `
    (block $scalarDone
      (loop $scalar
        (br_if $scalarDone (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $s (f32.const 0))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $p (local.get $inner))
        (block $scalarInnerDone
          (loop $scalarInner
            (br_if $scalarInnerDone (i32.eqz (local.get $p)))
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $a0)) (f32.load (local.get $bp)))))
            (local.set $a0 (i32.add (local.get $a0) (local.get $aInner)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bRow)))
            (local.set $p (i32.sub (local.get $p) (i32.const 1)))
            (br $scalarInner)))
        (local.set $cp (i32.add (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $cRow))) (i32.shl (local.get $j) (i32.const 2))))
        (f32.store (local.get $cp) (f32.add (f32.load (local.get $cp)) (local.get $s)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $scalar)))`;

/** The GEMM module for one register block shape (docs/experiments.md has the shapes measured). */
export function gemmWat(block: GemmBlock = GEMM_BLOCK): string {
  const { rows: r, vectors: v } = block;
  const accs = range(r).flatMap((row) => range(v).map((vec) => `(local $s${row}_${vec} v128)`));
  return `
(module
  (memory (import "env" "memory") 1 65536 shared)
  ;; dst[cols,rows] = src[rows,cols]ᵀ (B of A·Bᵀ, for the column-vectorised kernel).
  (func (export "transpose") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $out i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $rows) (i32.const 2)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $out (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2))))
        (local.set $c (i32.const 0))
        (block $colsDone
          (loop $colLoop
            (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cols)))
            (f32.store (local.get $out) (f32.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $colLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))
  (func (export "gemm")
    (param $a i32) (param $b i32) (param $c i32)
    (param $rows i32) (param $inner i32) (param $cols i32)
    (param $aRow i32) (param $aInner i32) (param $cRow i32)
    (local $i i32) (local $j i32) (local $p i32) (local $rowsBlocked i32) (local $jTail i32)
    (local $bRow i32) (local $bp i32) (local $cp i32)
    ${range(r).map((row) => `(local $a${row} i32)`).join(' ')}
    (local $x v128) ${range(v).map((vec) => `(local $y${vec} v128)`).join(' ')}
    ${accs.join(' ')}
    (local $s f32)
    (local.set $rowsBlocked (i32.sub (local.get $rows) (i32.rem_u (local.get $rows) (i32.const ${r}))))
    (local.set $bRow (i32.shl (local.get $cols) (i32.const 2)))
    ;; Blocks of ${r} rows: ${r}×${4 * v} tiles, then ${r}×4 tiles, then single columns row by row.
    (local.set $i (i32.const 0))
    (block $blockRowsDone
      (loop $blockRows
        (br_if $blockRowsDone (i32.ge_u (local.get $i) (local.get $rowsBlocked)))
        (local.set $j (i32.const 0))
        ${tileLoop(r, v, 'wide', '$cols')}
        ${v > 1 ? tileLoop(r, 1, 'narrow', '$cols') : ''}
        (local.set $rowsBlocked (i32.add (local.get $i) (i32.const ${r})))
        (local.set $jTail (local.get $j))
        (block $tailRowsDone
          (loop $tailRows
            (br_if $tailRowsDone (i32.ge_u (local.get $i) (local.get $rowsBlocked)))
            (local.set $j (local.get $jTail))
            ${SCALAR_COLUMNS}
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $tailRows)))
        (local.set $rowsBlocked (i32.sub (local.get $rows) (i32.rem_u (local.get $rows) (i32.const ${r}))))
        (br $blockRows)))
    ;; The last rows % ${r} rows, one at a time.
    (block $lastRowsDone
      (loop $lastRows
        (br_if $lastRowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (i32.const 0))
        ${tileLoop(1, 1, 'single', '$cols')}
        ${SCALAR_COLUMNS.replaceAll('$scalar', '$lastScalar')}
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $lastRows)))))
`;
}
