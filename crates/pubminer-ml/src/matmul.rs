//! A bounds-checked, single-threaded matrix product over strided `f32` slices.
//!
//! candle's matrix product allocates a zeroed output, spreads every product over the thread
//! pool (even an 8 × 8 attention block, where the threads mostly wait on each other), and
//! cannot read strided views, so the attention heads must first be copied out. The BERT
//! forward pass (`bert.rs`) instead runs whole batches on separate threads, and inside a batch
//! multiplies here: `gemm` (the crate candle uses, with its AVX-512 kernels) on the calling
//! thread, reading query, key and value heads where the fused projection wrote them and
//! writing each head's context into its columns of the output.
//!
//! It also holds [`map_in_place`], which runs an element-wise function (GELU, softmax's
//! `exp`) in a copy of the loop compiled for AVX-512 or AVX2 when the CPU has them: the rest
//! of the crate is compiled for baseline x86-64, whose 4-wide SSE loops made GELU alone 5% of
//! the encoder's time.
//!
//! `gemm::gemm` takes raw pointers, and a function compiled for a CPU feature may only be
//! called once the feature is known to be there. This module is the crate's only `unsafe`
//! code: it checks that every element the product can touch lies inside its slice before the
//! call (the borrow checker keeps the destination apart from the inputs), and it calls the
//! feature-specific loops only after `is_x86_feature_detected!` has confirmed the feature.

/// A strided view of a row-major-or-not matrix: element `(r, c)` is
/// `data[r * row_stride + c * col_stride]`.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

/// A strided, writable view.
pub(crate) struct ViewMut<'a> {
    pub data: &'a mut [f32],
    pub rows: usize,
    pub cols: usize,
    pub row_stride: usize,
    pub col_stride: usize,
}

/// Whether the last element a `rows × cols` view can address is inside `len`, with strides
/// that fit in `isize`.
fn fits(len: usize, rows: usize, cols: usize, row_stride: usize, col_stride: usize) -> bool {
    if rows == 0 || cols == 0 {
        return true;
    }
    (rows - 1)
        .checked_mul(row_stride)
        .and_then(|r| (cols - 1).checked_mul(col_stride).map(|c| (r, c)))
        .and_then(|(r, c)| r.checked_add(c))
        .is_some_and(|last| last < len)
        && isize::try_from(row_stride.max(col_stride)).is_ok()
}

impl View<'_> {
    /// Whether every element the view addresses lies inside its slice.
    fn in_bounds(&self) -> bool {
        fits(
            self.data.len(),
            self.rows,
            self.cols,
            self.row_stride,
            self.col_stride,
        )
    }
}

impl ViewMut<'_> {
    /// Whether every element the view addresses lies inside its slice.
    fn in_bounds(&self) -> bool {
        fits(
            self.data.len(),
            self.rows,
            self.cols,
            self.row_stride,
            self.col_stride,
        )
    }
}

/// `dst = accumulate·dst + scale · lhs · rhs`, on the calling thread.
///
/// # Panics
/// When the shapes disagree or a view addresses elements outside its slice (a bug in the
/// caller, never a property of the input data).
pub(crate) fn matmul(dst: ViewMut<'_>, lhs: View<'_>, rhs: View<'_>, scale: f32, accumulate: bool) {
    assert!(
        lhs.rows == dst.rows && rhs.cols == dst.cols && lhs.cols == rhs.rows,
        "matmul shapes: [{}×{}] · [{}×{}] into [{}×{}]",
        lhs.rows,
        lhs.cols,
        rhs.rows,
        rhs.cols,
        dst.rows,
        dst.cols
    );
    assert!(dst.in_bounds() && lhs.in_bounds() && rhs.in_bounds());
    if dst.rows == 0 || dst.cols == 0 {
        return;
    }
    if lhs.cols == 0 {
        if !accumulate {
            for r in 0..dst.rows {
                for c in 0..dst.cols {
                    dst.data[r * dst.row_stride + c * dst.col_stride] = 0.0;
                }
            }
        }
        return;
    }
    // SAFETY: the bounds assert above proves that every element gemm reads or writes,
    // `(r, c)` for r < rows and c < cols of each view, lies inside its slice; the strides
    // fit in isize; `dst` is a unique borrow, so it overlaps neither input.
    #[allow(unsafe_code)]
    unsafe {
        gemm::gemm(
            dst.rows,
            dst.cols,
            lhs.cols,
            dst.data.as_mut_ptr(),
            dst.col_stride as isize,
            dst.row_stride as isize,
            accumulate,
            lhs.data.as_ptr(),
            lhs.col_stride as isize,
            lhs.row_stride as isize,
            rhs.data.as_ptr(),
            rhs.col_stride as isize,
            rhs.row_stride as isize,
            1.0,
            scale,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// `xs[i] = f(xs[i])` for every element, in a loop compiled for the best vector unit the
/// CPU has (AVX-512, AVX2 + FMA, else the baseline), chosen at run time.
#[inline]
pub(crate) fn map_in_place(xs: &mut [f32], f: impl Fn(f32) -> f32 + Copy) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, the only feature the function is compiled for.
            #[allow(unsafe_code)]
            unsafe {
                map_avx512(xs, f);
            }
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU has AVX2 and FMA, the features the function is compiled for.
            #[allow(unsafe_code)]
            unsafe {
                map_avx2(xs, f);
            }
            return;
        }
    }
    xs.iter_mut().for_each(|x| *x = f(*x));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
fn map_avx512(xs: &mut [f32], f: impl Fn(f32) -> f32 + Copy) {
    xs.iter_mut().for_each(|x| *x = f(*x));
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn map_avx2(xs: &mut [f32], f: impl Fn(f32) -> f32 + Copy) {
    xs.iter_mut().for_each(|x| *x = f(*x));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f32], b: &[f32], m: usize, k: usize, n: usize) -> Vec<f32> {
        let mut out = vec![0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                out[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        out
    }

    #[test]
    fn strided_products_match_the_definition() {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f32> = (0..m * k).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i as f32 * 0.11).cos()).collect();
        let want = naive(&a, &b, m, k, n);
        // b stored transposed ([n, k]), read through strides.
        let mut bt = vec![0f32; n * k];
        for p in 0..k {
            for j in 0..n {
                bt[j * k + p] = b[p * n + j];
            }
        }
        // Write into columns 2..5 of a wider [m, 6] output, on top of ones.
        let mut out = vec![1f32; m * 6];
        matmul(
            ViewMut {
                data: &mut out[2..],
                rows: m,
                cols: n,
                row_stride: 6,
                col_stride: 1,
            },
            View {
                data: &a,
                rows: m,
                cols: k,
                row_stride: k,
                col_stride: 1,
            },
            View {
                data: &bt,
                rows: k,
                cols: n,
                row_stride: 1,
                col_stride: k,
            },
            2.0,
            true,
        );
        for i in 0..m {
            assert_eq!(out[i * 6], 1.0);
            assert_eq!(out[i * 6 + 1], 1.0);
            for j in 0..n {
                let got = out[i * 6 + 2 + j];
                assert!((got - (1.0 + 2.0 * want[i * n + j])).abs() < 1e-5, "{got}");
            }
        }
    }

    #[test]
    fn map_in_place_applies_the_function_on_every_path() {
        let mut xs: Vec<f32> = (0..1000).map(|i| i as f32).collect();
        map_in_place(&mut xs, |x| x * 2.0 + 1.0);
        assert!(
            xs.iter()
                .enumerate()
                .all(|(i, &x)| x == i as f32 * 2.0 + 1.0)
        );
        let mut baseline: Vec<f32> = (0..17).map(|i| i as f32).collect();
        baseline.iter_mut().for_each(|x| *x = x.sqrt());
        let mut fast: Vec<f32> = (0..17).map(|i| i as f32).collect();
        map_in_place(&mut fast, f32::sqrt);
        assert_eq!(fast, baseline);
    }

    #[test]
    #[should_panic(expected = "assertion failed")]
    fn a_view_past_its_slice_is_refused() {
        let a = [0f32; 6];
        let mut out = [0f32; 4];
        let view = |data| View {
            data,
            rows: 2,
            cols: 4, // 8 elements from a slice of 6
            row_stride: 4,
            col_stride: 1,
        };
        let rhs = [0f32; 8];
        matmul(
            ViewMut {
                data: &mut out,
                rows: 2,
                cols: 2,
                row_stride: 2,
                col_stride: 1,
            },
            view(&a),
            View {
                data: &rhs,
                rows: 4,
                cols: 2,
                row_stride: 2,
                col_stride: 1,
            },
            1.0,
            false,
        );
    }
}
