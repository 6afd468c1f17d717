//! The BERT encoder's forward pass, written here for CPU speed.
//!
//! The same computation as `candle_transformers::models::bert::BertModel` (and as
//! `transformers`' `BertModel`, which `tests/minilm_parity.rs` checks to 1e-4), arranged
//! for a CPU running short texts. candle computes the embeddings; the transformer layers run
//! on plain `f32` buffers, five per batch, reused by every layer:
//!
//! - every linear layer is one product of the `[batch · length, width]` matrix with the
//!   weights ([`Dense`]), bias and residual written into the output first, where candle's
//!   model multiplies per text: for entity names of a few tokens that is the difference
//!   between one large matrix product and 64 tiny ones;
//! - the query, key and value projections are one product over their stacked weights, and
//!   attention ([`Attention`]) reads each head where that product wrote it and writes its
//!   context into the head's columns: no permuted copies;
//! - GELU and layer norm run in place on the product's output;
//! - products run on the calling thread (`matmul.rs`); the encoder runs whole batches on
//!   separate threads instead, which keeps every core busy without threads waiting on each
//!   other inside one product (candle's products did, and allocated a zeroed output each);
//! - GELU evaluates erf with Abramowitz & Stegun's 7.1.28 (absolute error 3e-7 in exact
//!   arithmetic, below 2e-6 in f32) and softmax a polynomial `exp`, in loops the compiler
//!   vectorises, instead of one scalar `libm` call per element (10% of the encoder's time in
//!   a profile).

use candle_core::{DType, Module, Result, Tensor, bail};
use candle_nn::{Embedding, LayerNorm, Linear, VarBuilder, embedding, layer_norm, linear};
use candle_transformers::models::bert::{Config, HiddenAct};

use crate::matmul::{View, ViewMut, map_in_place, matmul};

/// A BERT encoder (embeddings and transformer layers; no pooler).
pub(crate) struct Bert {
    word: Embedding,
    position: Embedding,
    token_type: Embedding,
    embed_norm: LayerNorm,
    layers: Vec<Layer>,
    heads: usize,
    head_dim: usize,
    intermediate: usize,
}

struct Layer {
    qkv: Dense,
    /// The attention output projection, added to the layer input and normalised.
    attention_out: Dense,
    attention_norm: Norm,
    /// The feed-forward expansion, its activation applied in place.
    intermediate: Dense,
    /// The feed-forward projection, added to the attention output and normalised.
    out: Dense,
    out_norm: Norm,
}

impl Layer {
    fn load(vb: &VarBuilder, config: &Config) -> Result<Self> {
        let h = config.hidden_size;
        let attention = vb.pp("attention");
        let projection = |name: &str| linear(h, h, attention.pp("self").pp(name));
        let (q, k, v) = (
            projection("query")?,
            projection("key")?,
            projection("value")?,
        );
        let weight = Tensor::cat(&[q.weight(), k.weight(), v.weight()], 0)?;
        let bias = match (q.bias(), k.bias(), v.bias()) {
            (Some(q), Some(k), Some(v)) => Some(Tensor::cat(&[q, k, v], 0)?),
            _ => None,
        };
        let norm =
            |vb: VarBuilder| Norm::new(&layer_norm(h, config.layer_norm_eps, vb.pp("LayerNorm"))?);
        let inner = config.intermediate_size;
        Ok(Self {
            qkv: Dense::new(&Linear::new(weight, bias), None)?,
            attention_out: Dense::new(&linear(h, h, attention.pp("output").pp("dense"))?, None)?,
            attention_norm: norm(attention.pp("output"))?,
            intermediate: Dense::new(
                &linear(h, inner, vb.pp("intermediate").pp("dense"))?,
                Some(Activation::of(config.hidden_act)),
            )?,
            out: Dense::new(&linear(inner, h, vb.pp("output").pp("dense"))?, None)?,
            out_norm: norm(vb.pp("output"))?,
        })
    }
}

impl Bert {
    /// Loads the weights under `vb` (with or without a `bert.` or `<model_type>.` prefix).
    pub(crate) fn load(vb: VarBuilder, config: &Config) -> Result<Self> {
        let mut root = vb.clone();
        if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
            root = vb.pp("bert");
        } else if let Some(model_type) = &config.model_type
            && vb.contains_tensor(&format!("{model_type}.embeddings.word_embeddings.weight"))
        {
            root = vb.pp(model_type);
        }
        let h = config.hidden_size;
        let e = root.pp("embeddings");
        let encoder = root.pp("encoder").pp("layer");
        let layers = (0..config.num_hidden_layers)
            .map(|i| Layer::load(&encoder.pp(i.to_string()), config))
            .collect::<Result<Vec<_>>>()?;
        if config.num_attention_heads == 0 || !h.is_multiple_of(config.num_attention_heads) {
            bail!(
                "hidden size {h} is not a multiple of {} attention heads",
                config.num_attention_heads
            );
        }
        Ok(Self {
            word: embedding(config.vocab_size, h, e.pp("word_embeddings"))?,
            position: embedding(
                config.max_position_embeddings,
                h,
                e.pp("position_embeddings"),
            )?,
            token_type: embedding(config.type_vocab_size, h, e.pp("token_type_embeddings"))?,
            embed_norm: layer_norm(h, config.layer_norm_eps, e.pp("LayerNorm"))?,
            layers,
            heads: config.num_attention_heads,
            head_dim: h / config.num_attention_heads,
            intermediate: config.intermediate_size,
        })
    }

    /// The last hidden states, `[batch, length, hidden]`, for token ids, token type ids and
    /// an attention mask (1 for tokens, 0 for padding), each `[batch, length]`.
    pub(crate) fn forward(&self, ids: &Tensor, types: &Tensor, mask: &Tensor) -> Result<Tensor> {
        let (b, l) = ids.dims2()?;
        let h = self.heads * self.head_dim;
        let positions = Tensor::arange(0u32, l as u32, ids.device())?;
        let x = (self.word.forward(ids)? + self.token_type.forward(types)?)?
            .broadcast_add(&self.position.forward(&positions)?)?;
        let mut x: Vec<f32> = self.embed_norm.forward(&x)?.flatten_all()?.to_vec1()?;
        // Additive mask, as transformers builds it: 0 for tokens, the lowest f32 for padding.
        let mask: Vec<f32> = mask
            .to_dtype(DType::F32)?
            .flatten_all()?
            .to_vec1::<f32>()?
            .into_iter()
            .map(|m| (1.0 - m) * f32::MIN)
            .collect();
        let attention = Attention {
            length: l,
            heads: self.heads,
            head_dim: self.head_dim,
            scale: 1.0 / (self.head_dim as f32).sqrt(),
        };
        let rows = b * l;
        SCRATCH.with_borrow_mut(|scratch| {
            let [qkv, context, attended, inner] = scratch;
            for (buffer, width) in [
                (&mut *qkv, 3 * h),
                (&mut *context, h),
                (&mut *attended, h),
                (&mut *inner, self.intermediate),
            ] {
                buffer.resize(rows * width, 0.0);
            }
            for layer in &self.layers {
                layer.qkv.forward(&x, None, qkv);
                attention.forward(qkv, &mask, context);
                layer.attention_out.forward(context, Some(&x), attended);
                layer.attention_norm.apply(attended);
                layer.intermediate.forward(attended, None, inner);
                layer.out.forward(inner, Some(attended), &mut x);
                layer.out_norm.apply(&mut x);
            }
        });
        Tensor::from_vec(x, (b, l, h), ids.device())
    }
}

thread_local! {
    /// Each thread's working buffers (projections, context, attention output, feed-forward
    /// expansion), kept from batch to batch: fresh multi-megabyte buffers for every batch
    /// cost a page fault per 4 KiB (5% of the encoder's time in a profile).
    static SCRATCH: std::cell::RefCell<[Vec<f32>; 4]> = const {
        std::cell::RefCell::new([Vec::new(), Vec::new(), Vec::new(), Vec::new()])
    };
}

/// The feed-forward activation, applied in place to the product that feeds it.
#[derive(Clone, Copy, Debug)]
enum Activation {
    /// Exact GELU, `x · Φ(x)`, through [`erf`].
    GeluErf,
    /// GELU's tanh approximation (`gelu_new`), as candle computes it.
    GeluTanh,
    Relu,
}

impl Activation {
    fn of(act: HiddenAct) -> Self {
        match act {
            HiddenAct::Gelu => Self::GeluErf,
            HiddenAct::GeluApproximate => Self::GeluTanh,
            HiddenAct::Relu => Self::Relu,
        }
    }

    fn apply(self, xs: &mut [f32]) {
        match self {
            Self::GeluErf => map_in_place(xs, gelu),
            Self::GeluTanh => xs.iter_mut().for_each(|x| {
                let v = *x;
                let inner = (2.0f32 / std::f32::consts::PI).sqrt() * (v + 0.044_715 * v * v * v);
                *x = 0.5 * v * (1.0 + inner.tanh());
            }),
            Self::Relu => xs.iter_mut().for_each(|x| *x = x.max(0.0)),
        }
    }
}

/// A linear layer `x · Wᵀ + b` over rows of `inputs` values.
struct Dense {
    /// `[inputs, outputs]`, row-major: the checkpoint's matrix transposed, the order gemm's
    /// kernels read it in (gemm computes a row-major product as its column-major transpose).
    weight: Vec<f32>,
    bias: Option<Vec<f32>>,
    inputs: usize,
    outputs: usize,
    activation: Option<Activation>,
}

impl Dense {
    fn new(linear: &Linear, activation: Option<Activation>) -> Result<Self> {
        let (outputs, inputs) = linear.weight().dims2()?;
        let weight = linear
            .weight()
            .to_dtype(DType::F32)?
            .t()?
            .contiguous()?
            .flatten_all()?
            .to_vec1()?;
        let bias = match linear.bias() {
            Some(b) => Some(b.to_dtype(DType::F32)?.to_vec1()?),
            None => None,
        };
        if bias.as_ref().is_some_and(|b| b.len() != outputs) {
            bail!("a bias of the wrong size for a {inputs} → {outputs} layer");
        }
        Ok(Self {
            weight,
            bias,
            inputs,
            outputs,
            activation,
        })
    }

    /// `out = x · Wᵀ + b (+ residual)`, then the activation, for `x` of `rows · inputs`
    /// values and `out` (and `residual`) of `rows · outputs`: bias and residual are written
    /// into `out`, one `gemm` call adds the product onto them.
    ///
    /// # Panics
    /// When the buffers do not hold whole rows of the layer's sizes (a bug in the caller).
    fn forward(&self, x: &[f32], residual: Option<&[f32]>, out: &mut [f32]) {
        let rows = x.len() / self.inputs;
        assert!(
            x.len() == rows * self.inputs
                && out.len() == rows * self.outputs
                && residual.is_none_or(|r| r.len() == out.len()),
            "dense {} → {}: {} inputs, {} outputs",
            self.inputs,
            self.outputs,
            x.len(),
            out.len()
        );
        match (residual, &self.bias) {
            (Some(r), Some(b)) => {
                for (row, r) in out
                    .chunks_exact_mut(self.outputs)
                    .zip(r.chunks_exact(self.outputs))
                {
                    row.iter_mut()
                        .zip(r)
                        .zip(b)
                        .for_each(|((o, r), b)| *o = r + b);
                }
            }
            (Some(r), None) => out.copy_from_slice(r),
            (None, Some(b)) => out
                .chunks_exact_mut(self.outputs)
                .for_each(|row| row.copy_from_slice(b)),
            (None, None) => out.fill(0.0),
        }
        matmul(
            ViewMut {
                data: out,
                rows,
                cols: self.outputs,
                row_stride: self.outputs,
                col_stride: 1,
            },
            View {
                data: x,
                rows,
                cols: self.inputs,
                row_stride: self.inputs,
                col_stride: 1,
            },
            View {
                data: &self.weight,
                rows: self.inputs,
                cols: self.outputs,
                row_stride: self.outputs,
                col_stride: 1,
            },
            1.0,
            true,
        );
        if let Some(act) = self.activation {
            act.apply(out);
        }
    }
}

/// A layer norm over rows, in place: mean and variance two-pass, in f32 as PyTorch computes
/// them, then scale and shift.
struct Norm {
    weight: Vec<f32>,
    bias: Vec<f32>,
    eps: f32,
}

impl Norm {
    fn new(norm: &LayerNorm) -> Result<Self> {
        if !norm.remove_mean() {
            bail!("an RMS norm where BERT has a layer norm");
        }
        let weight: Vec<f32> = norm.weight().to_dtype(DType::F32)?.to_vec1()?;
        let bias = match norm.bias() {
            Some(b) => b.to_dtype(DType::F32)?.to_vec1()?,
            None => vec![0f32; weight.len()],
        };
        if bias.len() != weight.len() || weight.is_empty() {
            bail!(
                "a layer norm with {} weights and {} biases",
                weight.len(),
                bias.len()
            );
        }
        Ok(Self {
            weight,
            bias,
            eps: norm.eps() as f32,
        })
    }

    /// Normalises each row of `xs` (whole rows of the norm's width) in place.
    fn apply(&self, xs: &mut [f32]) {
        let width = self.weight.len();
        for row in xs.chunks_exact_mut(width) {
            let mean = row.iter().sum::<f32>() / width as f32;
            let mut var = 0f32;
            for x in row.iter_mut() {
                *x -= mean;
                var += *x * *x;
            }
            let inv = 1.0 / (var / width as f32 + self.eps).sqrt();
            for ((x, &w), &b) in row.iter_mut().zip(&self.weight).zip(&self.bias) {
                *x = *x * inv * w + b;
            }
        }
    }
}

/// Scaled dot-product attention of every head, from the fused projection `[batch · length,
/// 3 · hidden]` (queries, keys, values side by side, each head's `head_dim` columns in turn)
/// and the additive mask `[batch, length]`, to the context `[batch · length, hidden]`.
/// Softmax as candle's and PyTorch's: the row maximum subtracted before `exp`.
struct Attention {
    length: usize,
    heads: usize,
    head_dim: usize,
    scale: f32,
}

impl Attention {
    /// # Panics
    /// When the buffers do not fit the batch (a bug in the caller).
    fn forward(&self, qkv: &[f32], mask: &[f32], out: &mut [f32]) {
        let (l, hd) = (self.length, self.head_dim);
        let h = self.heads * hd;
        assert!(
            l > 0 && qkv.len() == mask.len() * 3 * h && out.len() == mask.len() * h,
            "attention: {} projections, a mask of {} and {} outputs for length {l}, width {h}",
            qkv.len(),
            mask.len(),
            out.len()
        );
        let mut scores = vec![0f32; l * l];
        for ((context, rows), mask) in out
            .chunks_exact_mut(l * h)
            .zip(qkv.chunks_exact(l * 3 * h))
            .zip(mask.chunks_exact(l))
        {
            for head in 0..self.heads {
                let column = |part: usize| View {
                    data: &rows[part * h + head * hd..],
                    rows: l,
                    cols: hd,
                    row_stride: 3 * h,
                    col_stride: 1,
                };
                let (q, k, v) = (column(0), column(1), column(2));
                // scores = scale · q · kᵀ
                matmul(
                    ViewMut {
                        data: &mut scores,
                        rows: l,
                        cols: l,
                        row_stride: l,
                        col_stride: 1,
                    },
                    q,
                    View {
                        rows: hd,
                        cols: l,
                        row_stride: 1,
                        col_stride: 3 * h,
                        ..k
                    },
                    self.scale,
                    false,
                );
                // Softmax over each row: mask, take off the row maximum, exp over the whole
                // block in one vector loop, normalise.
                for row in scores.chunks_exact_mut(l) {
                    let mut max = f32::NEG_INFINITY;
                    for (s, &m) in row.iter_mut().zip(mask) {
                        *s += m;
                        max = max.max(*s);
                    }
                    row.iter_mut().for_each(|s| *s -= max);
                }
                map_in_place(&mut scores, exp);
                for row in scores.chunks_exact_mut(l) {
                    let inv = 1.0 / row.iter().sum::<f32>();
                    row.iter_mut().for_each(|s| *s *= inv);
                }
                // context[:, head] = probabilities · v
                matmul(
                    ViewMut {
                        data: &mut context[head * hd..],
                        rows: l,
                        cols: hd,
                        row_stride: h,
                        col_stride: 1,
                    },
                    View {
                        data: &scores,
                        rows: l,
                        cols: l,
                        row_stride: l,
                        col_stride: 1,
                    },
                    v,
                    1.0,
                    false,
                );
            }
        }
    }
}

/// `e^x` for `x <= 0` (softmax after the row maximum is taken off), in straight-line code
/// the compiler vectorises where `f32::exp` is a scalar `libm` call per element. With
/// `x = n · ln 2 + r` and `|r| <= ln 2 / 2` (ln 2 split in two, after Cody & Waite), `e^r` is
/// its degree-6 Taylor polynomial (relative error below 2e-7 on that interval) and `2^n` goes
/// into the exponent bits. Below -87.336, where `e^x` is subnormal in f32, it returns 0.
#[inline]
fn exp(x: f32) -> f32 {
    const LN2_HI: f32 = 0.693_359_4;
    const LN2_LO: f32 = -2.121_944_4e-4;
    // Round to nearest by adding and taking off 1.5 · 2^23 (|x · log2 e| < 2^22 here):
    // `f32::round` is a `libm` call on baseline x86-64 and would stop the vectorisation.
    const ROUNDER: f32 = 12_582_912.0;
    let n = (x.max(-104.0) * std::f32::consts::LOG2_E + ROUNDER) - ROUNDER;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0
        + r * (1.0
            + r * (0.5
                + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // n is in [-126, 0] here, so 127 + n is a normal exponent.
    let scale = f32::from_bits(((n.max(-126.0) as i32 + 127) as u32) << 23);
    if x < -87.336 { 0.0 } else { p * scale }
}

/// erf by Abramowitz & Stegun 7.1.28: `1 - (1 + a1 x + ... + a6 x^6)^-16` for `x >= 0`,
/// absolute error 3e-7 in exact arithmetic, below 2e-6 in f32.
#[inline]
fn erf(x: f32) -> f32 {
    let a = x.abs();
    let p = 1.0
        + a * (0.070_523_08
            + a * (0.042_282_01
                + a * (0.009_270_527
                    + a * (0.000_152_014_3 + a * (0.000_276_567_2 + a * 0.000_043_063_8)))));
    let p2 = p * p;
    let p4 = p2 * p2;
    let p8 = p4 * p4;
    let y = 1.0 - 1.0 / (p8 * p8);
    y.copysign(x)
}

/// `x · Φ(x)`, the exact (erf) GELU.
#[inline]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_within_2e_6_of_the_series() {
        // erf by its Maclaurin series (exact to f64 precision for |x| <= 3 with 80 terms).
        let series = |x: f64| {
            let mut term = x;
            let mut sum = x;
            for n in 1..80 {
                term *= -x * x / n as f64;
                sum += term / (2 * n + 1) as f64;
            }
            sum * 2.0 / std::f64::consts::PI.sqrt()
        };
        let mut worst = 0f64;
        for i in -3000..=3000 {
            let x = f64::from(i) / 1000.0;
            worst = worst.max((f64::from(erf(x as f32)) - series(x)).abs());
        }
        assert!(worst < 2e-6, "largest error {worst}");
        assert_eq!(erf(0.0), 0.0);
        assert!((erf(10.0) - 1.0).abs() < 1e-7 && (erf(-10.0) + 1.0).abs() < 1e-7);
        assert!(erf(f32::INFINITY) == 1.0 && erf(f32::NEG_INFINITY) == -1.0);
    }

    #[test]
    fn activations_match_candles() {
        let xs: Vec<f32> = (-400..400).map(|i| i as f32 / 50.0).collect();
        let t = Tensor::from_vec(xs.clone(), (8, 100), &candle_core::Device::Cpu).unwrap();
        let cases = [
            (Activation::GeluErf, t.gelu_erf().unwrap()),
            (Activation::GeluTanh, t.gelu().unwrap()),
            (Activation::Relu, t.relu().unwrap()),
        ];
        for (act, reference) in cases {
            let mut ours = xs.clone();
            act.apply(&mut ours);
            let reference = reference.flatten_all().unwrap().to_vec1::<f32>().unwrap();
            let gap = ours
                .iter()
                .zip(&reference)
                .map(|(a, b)| (a - b).abs())
                .fold(0f32, f32::max);
            assert!(gap < 2e-6, "{act:?}: {gap}");
        }
    }

    #[test]
    fn fast_exp_is_within_2_ulp() {
        let mut worst = 0f32;
        for i in -104_000..=0 {
            let x = i as f32 / 1000.0;
            let want = f64::from(x).exp();
            let got = f64::from(exp(x));
            if want > f64::from(f32::MIN_POSITIVE) {
                worst = worst.max(((got - want) / want).abs() as f32);
            } else {
                assert!(got < 1.2e-38, "{x}: {got}");
            }
        }
        assert!(worst < 2.5e-7, "largest relative error {worst}");
        assert_eq!(exp(f32::MIN), 0.0);
        assert_eq!(exp(0.0), 1.0);
    }
}
