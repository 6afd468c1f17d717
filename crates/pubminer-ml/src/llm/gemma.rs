//! Gemma, Gemma 2 and Gemma 3 from GGUF, written here rather than taken from
//! `candle_transformers::models::quantized_gemma3`, which (in candle 0.11) uses SiLU where
//! Gemma uses GELU, builds 131,072-position rotary tables for every layer (2.4 GB for the
//! 270M model), and does not apply the sliding window while decoding.
//!
//! The graph follows llama.cpp's `llm_build_gemma3` / `llm_build_gemma2` (src/models/):
//! embeddings scaled by √d; per layer RMS norm, Q/K/V, per-head Q/K norms (Gemma 3),
//! NeoX rotary embeddings (a local base on sliding-window layers), attention scaled by
//! 1/√head_dim (1/√(d/heads) for the 27B models), logit soft-capping (Gemma 2), post-attention
//! norm, residual, RMS norm, GELU-gated MLP, post-MLP norm, residual; a final norm and the
//! tied embedding matrix as the output (soft-capped on Gemma 2). Sliding-window layers see
//! the last `window` positions (`query - key < window`, llama.cpp's standard SWA).
//!
//! Token embeddings stay quantized: rows are dequantized when looked up, and the same
//! quantized matrix computes the logits.

use candle_core::quantized::{QMatMul, QTensor, gguf_file::Content};
use candle_core::{DType, Device, Module, Tensor};
use candle_transformers::quantized_nn::RmsNorm;

use super::vocab::{meta_str, meta_u32};
use crate::error::{MlError, Result};

struct Layer {
    attn_norm: RmsNorm,
    q: Linear,
    k: Linear,
    v: Linear,
    o: Linear,
    q_norm: Option<RmsNorm>,
    k_norm: Option<RmsNorm>,
    post_attn_norm: Option<RmsNorm>,
    ffn_norm: RmsNorm,
    gate: Linear,
    up: Linear,
    down: Linear,
    post_ffn_norm: Option<RmsNorm>,
    window: Option<usize>,
    rope_base: f32,
    rope_scale: f32,
    /// Keys and values so far, in buffers that grow by 512 positions (no copy per token).
    cache: candle_nn::kv_cache::KvCache,
}

/// A Gemma-family model with its KV cache.
pub struct Gemma {
    embed: QMatMul,
    embed_scale: f64,
    layers: Vec<Layer>,
    norm: RmsNorm,
    output: QMatMul,
    heads: usize,
    kv_heads: usize,
    head_dim: usize,
    attn_scale: f64,
    attn_softcap: Option<f64>,
    final_softcap: Option<f64>,
    device: Device,
}

fn f32_meta(ct: &Content, key: &str) -> Option<f32> {
    ct.metadata.get(key).and_then(|v| v.to_f32().ok())
}

impl Gemma {
    /// Loads `gemma`, `gemma2` or `gemma3` weights.
    ///
    /// # Errors
    /// Missing metadata or tensors.
    pub fn from_gguf<R: std::io::Read + std::io::Seek>(
        ct: &Content,
        reader: &mut R,
        device: &Device,
    ) -> Result<Self> {
        let arch = meta_str(ct, "general.architecture").unwrap_or("gemma3");
        let need = |key: &str| {
            meta_u32(ct, &format!("{arch}.{key}")).ok_or_else(|| {
                MlError::Model(format!(
                    "the GGUF has no {arch}.{key} (not a {arch} model?)"
                ))
            })
        };
        let heads = need("attention.head_count")? as usize;
        let kv_heads = need("attention.head_count_kv")? as usize;
        let blocks = need("block_count")? as usize;
        let d = need("embedding_length")? as usize;
        let head_dim =
            meta_u32(ct, &format!("{arch}.attention.key_length")).map_or(d / heads, |v| v as usize);
        let eps = f64::from(
            f32_meta(ct, &format!("{arch}.attention.layer_norm_rms_epsilon")).unwrap_or(1e-6),
        );
        let window = meta_u32(ct, &format!("{arch}.attention.sliding_window")).map(|w| w as usize);
        let rope_base = f32_meta(ct, &format!("{arch}.rope.freq_base")).unwrap_or(10_000.0);
        let local_base = f32_meta(ct, &format!("{arch}.rope.local_freq_base")).unwrap_or(10_000.0);
        let rope_factor = f32_meta(ct, &format!("{arch}.rope.scaling.factor")).unwrap_or(1.0);
        let swa_pattern = meta_u32(ct, &format!("{arch}.attention.sliding_window_type"))
            .map_or(6, |v| v as usize)
            .max(1);
        // llama.cpp: the 27B models scale queries by 1/sqrt(d/heads), the others by
        // 1/sqrt(head_dim).
        let is_27b = (arch == "gemma2" && blocks == 46) || (arch == "gemma3" && blocks == 62);
        let attn_scale = if is_27b {
            1.0 / ((d / heads) as f64).sqrt()
        } else {
            1.0 / (head_dim as f64).sqrt()
        };
        let softcap = |key: &str| {
            f32_meta(ct, &format!("{arch}.{key}"))
                .filter(|v| *v > 0.0)
                .map(f64::from)
        };
        let (attn_softcap, final_softcap) = if arch == "gemma2" {
            (
                softcap("attn_logit_softcapping"),
                softcap("final_logit_softcapping"),
            )
        } else {
            (None, None)
        };

        let mut tensor = |name: &str| {
            ct.tensor(reader, name, device)
                .map_err(|e| MlError::Model(format!("tensor {name}: {e}")))
        };
        let embed_q = std::sync::Arc::new(tensor("token_embd.weight")?);
        let norm = RmsNorm::from_qtensor(tensor("output_norm.weight")?, eps)?;
        let output = match tensor("output.weight") {
            Ok(t) => QMatMul::from_qtensor(t)?,
            Err(_) => QMatMul::from_arc(embed_q.clone())?,
        };
        let embed = QMatMul::from_arc(embed_q)?;
        let mut layers = Vec::with_capacity(blocks);
        for i in 0..blocks {
            let p = format!("blk.{i}");
            let mut opt_norm = |name: &str| -> Result<Option<RmsNorm>> {
                match ct.tensor(reader, &format!("{p}.{name}.weight"), device) {
                    Ok(t) => Ok(Some(RmsNorm::from_qtensor(t, eps)?)),
                    Err(_) => Ok(None),
                }
            };
            let q_norm = opt_norm("attn_q_norm")?;
            let k_norm = opt_norm("attn_k_norm")?;
            let post_attn_norm = opt_norm("post_attention_norm")?;
            let post_ffn_norm = opt_norm("post_ffw_norm")?;
            let mut mm = |name: &str| -> Result<Linear> {
                let name = format!("{p}.{name}.weight");
                let t = ct
                    .tensor(reader, &name, device)
                    .map_err(|e| MlError::Model(format!("tensor {name}: {e}")))?;
                Linear::new(t, device)
            };
            let (q, k, v, o) = (
                mm("attn_q")?,
                mm("attn_k")?,
                mm("attn_v")?,
                mm("attn_output")?,
            );
            let (gate, up, down) = (mm("ffn_gate")?, mm("ffn_up")?, mm("ffn_down")?);
            let mut norm = |name: &str| -> Result<RmsNorm> {
                let name = format!("{p}.{name}.weight");
                let t = ct
                    .tensor(reader, &name, device)
                    .map_err(|e| MlError::Model(format!("tensor {name}: {e}")))?;
                Ok(RmsNorm::from_qtensor(t, eps)?)
            };
            let attn_norm = norm("attn_norm")?;
            let ffn_norm = norm("ffn_norm")?;
            let sliding = match arch {
                "gemma2" => i % 2 == 0,
                "gemma3" => i % swa_pattern < swa_pattern - 1,
                _ => false,
            };
            layers.push(Layer {
                attn_norm,
                q,
                k,
                v,
                o,
                q_norm,
                k_norm,
                post_attn_norm,
                ffn_norm,
                gate,
                up,
                down,
                post_ffn_norm,
                window: if sliding { window } else { None },
                rope_base: if sliding && arch == "gemma3" {
                    local_base
                } else {
                    rope_base
                },
                rope_scale: if sliding { 1.0 } else { 1.0 / rope_factor },
                cache: candle_nn::kv_cache::KvCache::new(2, 512),
            });
        }
        Ok(Self {
            embed,
            embed_scale: (d as f64).sqrt(),
            layers,
            norm,
            output,
            heads,
            kv_heads,
            head_dim,
            attn_scale,
            attn_softcap,
            final_softcap,
            device: device.clone(),
        })
    }

    /// The logits after `tokens` (1-D), which sit at positions `pos..`; position 0 starts a
    /// new sequence (the cache is dropped).
    ///
    /// # Errors
    /// candle errors.
    pub fn forward(&mut self, tokens: &[u32], pos: usize) -> Result<Tensor> {
        let t = tokens.len();
        let ids = Tensor::new(tokens, &self.device)?.unsqueeze(0)?;
        let mut x = (self.embed.embedding(&ids)? * self.embed_scale)?;
        let kv_len = pos + t;
        for layer in &mut self.layers {
            if pos == 0 {
                layer.cache.reset();
            }
            let residual = x.clone();
            let h = layer.attn_norm.forward(&x)?;
            let q = layer
                .q
                .forward(&h)?
                .reshape((1, t, self.heads, self.head_dim))?
                .transpose(1, 2)?
                .contiguous()?;
            let k = layer
                .k
                .forward(&h)?
                .reshape((1, t, self.kv_heads, self.head_dim))?
                .transpose(1, 2)?
                .contiguous()?;
            let v = layer
                .v
                .forward(&h)?
                .reshape((1, t, self.kv_heads, self.head_dim))?
                .transpose(1, 2)?
                .contiguous()?;
            let q = match &layer.q_norm {
                Some(n) => n.forward(&q)?,
                None => q,
            };
            let k = match &layer.k_norm {
                Some(n) => n.forward(&k)?,
                None => k,
            };
            let (cos, sin) = rope_tables(
                self.head_dim,
                pos,
                t,
                layer.rope_base,
                layer.rope_scale,
                &self.device,
            )?;
            let q = candle_nn::rotary_emb::rope(&q, &cos, &sin)?;
            let k = candle_nn::rotary_emb::rope(&k, &cos, &sin)?;
            let (k, v) = layer.cache.append(&k, &v)?;
            // Grouped-query attention without copying K and V per query head: the `rep`
            // query heads that share a KV head are stacked along the rows.
            let rep = self.heads / self.kv_heads;
            let qg = (q * self.attn_scale)?.reshape((1, self.kv_heads, rep * t, self.head_dim))?;
            let mut scores = qg.matmul(&k.t()?)?.reshape((1, self.heads, t, kv_len))?;
            if let Some(cap) = self.attn_softcap {
                scores = ((scores / cap)?.tanh()? * cap)?;
            }
            if let Some(mask) = mask(t, pos, kv_len, layer.window, &self.device)? {
                scores = scores.broadcast_add(&mask)?;
            }
            let probs = candle_nn::ops::softmax_last_dim(&scores)?.reshape((
                1,
                self.kv_heads,
                rep * t,
                kv_len,
            ))?;
            let attn = probs
                .matmul(&v)?
                .reshape((1, self.heads, t, self.head_dim))?
                .transpose(1, 2)?
                .reshape((1, t, self.heads * self.head_dim))?;
            let mut h = layer.o.forward(&attn)?;
            if let Some(n) = &layer.post_attn_norm {
                h = n.forward(&h)?;
            }
            let x1 = (h + residual)?;
            let h = layer.ffn_norm.forward(&x1)?;
            let gated = (layer.gate.forward(&h)?.gelu()? * layer.up.forward(&h)?)?;
            let mut h = layer.down.forward(&gated)?;
            if let Some(n) = &layer.post_ffn_norm {
                h = n.forward(&h)?;
            }
            x = (h + x1)?;
        }
        let last = x.narrow(1, t - 1, 1)?;
        let last = self.norm.forward(&last)?;
        let mut logits = self.output.forward(&last)?.squeeze(0)?.squeeze(0)?;
        if let Some(cap) = self.final_softcap {
            logits = ((logits / cap)?.tanh()? * cap)?;
        }
        Ok(logits.to_dtype(DType::F32)?)
    }
}

/// A weight matrix in the forms candle multiplies fast on CPUs. candle 0.11 has only a
/// scalar dot product for Q5_0, Q5_1 and Q4_1, which Q4_K_M files use for rows not divisible
/// by 256 (Gemma 3 270M's 640). Q5_0 converts to Q8_0 without loss: a Q5_0 value is `x·d`
/// with an integer `x` in [-16, 15], a Q8_0 block with the same scale `d` and `q = x`, so a
/// product (activations quantized to Q8_0 in both) is the integer sum llama.cpp computes,
/// with SIMD, at 34 bytes per 32 weights. That serves decoding (one row at a time, bound by
/// memory); prompts (many rows) go through an exact f32 copy and candle's gemm, about twice
/// as fast there. Q5_1 and Q4_1 carry an offset Q8_0 cannot hold and are kept as f32 only.
struct Linear {
    quant: QMatMul,
    dense: Option<QMatMul>,
}

impl Linear {
    fn new(t: QTensor, device: &Device) -> Result<Self> {
        use candle_core::quantized::GgmlDType;
        if !device.is_cpu() {
            return Ok(Self {
                quant: QMatMul::from_qtensor(t)?,
                dense: None,
            });
        }
        match t.dtype() {
            GgmlDType::Q5_0 => {
                let dims = t.shape().dims().to_vec();
                let dense = QTensor::quantize(&t.dequantize(device)?, GgmlDType::F32)?;
                let q8 = candle_core::quantized::ggml_file::qtensor_from_ggml(
                    GgmlDType::Q8_0,
                    &q5_0_to_q8_0(&t.data()?),
                    dims,
                    device,
                )?;
                Ok(Self {
                    quant: QMatMul::from_qtensor(q8)?,
                    dense: Some(QMatMul::from_qtensor(dense)?),
                })
            }
            GgmlDType::Q5_1 | GgmlDType::Q4_1 => Ok(Self {
                quant: QMatMul::from_qtensor(QTensor::quantize(
                    &t.dequantize(device)?,
                    GgmlDType::F32,
                )?)?,
                dense: None,
            }),
            _ => Ok(Self {
                quant: QMatMul::from_qtensor(t)?,
                dense: None,
            }),
        }
    }

    /// `x` (batch, rows, in) times the matrix.
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        match &self.dense {
            Some(d) if x.dim(1)? > 1 => Ok(d.forward(x)?),
            _ => Ok(self.quant.forward(x)?),
        }
    }
}

/// Q5_0 blocks (f16 scale, 4 bytes of high bits, 16 bytes of nibbles: 22 bytes) rewritten as
/// Q8_0 blocks (the same f16 scale, 32 signed bytes: 34 bytes), as ggml's
/// `dequantize_row_q5_0` reads them.
pub(crate) fn q5_0_to_q8_0(q5: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(q5.len() / 22 * 34);
    for block in q5.chunks_exact(22) {
        out.extend_from_slice(&block[..2]);
        let qh = u32::from_le_bytes([block[2], block[3], block[4], block[5]]);
        let qs = &block[6..22];
        let mut values = [0i8; 32];
        for j in 0..16 {
            let high0 = (((qh >> j) << 4) & 0x10) as u8;
            let high1 = ((qh >> (j + 12)) & 0x10) as u8;
            values[j] = (((qs[j] & 0x0F) | high0) as i8) - 16;
            values[j + 16] = (((qs[j] >> 4) | high1) as i8) - 16;
        }
        out.extend(values.iter().map(|&v| v.to_le_bytes()[0]));
    }
    out
}

/// Cosine and sine tables of NeoX rotary embeddings for positions `pos..pos + t`.
pub(crate) fn rope_tables(
    head_dim: usize,
    pos: usize,
    t: usize,
    base: f32,
    scale: f32,
    device: &Device,
) -> Result<(Tensor, Tensor)> {
    let half = head_dim / 2;
    let inv: Vec<f32> = (0..half)
        .map(|i| 1.0 / base.powf(2.0 * i as f32 / head_dim as f32))
        .collect();
    let mut angles = Vec::with_capacity(t * half);
    for p in pos..pos + t {
        let p = p as f32 * scale;
        angles.extend(inv.iter().map(|f| p * f));
    }
    let angles = Tensor::from_vec(angles, (t, half), device)?;
    Ok((angles.cos()?, angles.sin()?))
}

/// The additive attention mask (0 or -inf) of `t` queries at `pos..` over `kv_len` keys, or
/// `None` when every key is visible (one query, no window cut).
fn mask(
    t: usize,
    pos: usize,
    kv_len: usize,
    window: Option<usize>,
    device: &Device,
) -> Result<Option<Tensor>> {
    let cut = window.is_some_and(|w| kv_len > w);
    if t == 1 && !cut {
        return Ok(None);
    }
    let mut m = Vec::with_capacity(t * kv_len);
    for i in 0..t {
        let p = pos + i;
        m.extend((0..kv_len).map(|j| {
            let visible = j <= p && window.is_none_or(|w| p - j < w);
            if visible { 0.0f32 } else { f32::NEG_INFINITY }
        }));
    }
    Ok(Some(
        Tensor::from_vec(m, (t, kv_len), device)?.reshape((1, 1, t, kv_len))?,
    ))
}

#[cfg(test)]
mod tests {
    use candle_core::quantized::{GgmlDType, QTensor};
    use candle_core::{Device, Tensor};

    /// Q5_0 rewritten as Q8_0 dequantizes to exactly the same values.
    #[test]
    fn q5_0_converts_to_q8_0_without_loss() {
        let v: Vec<f32> = (0..256)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 7.0)
            .collect();
        let t = Tensor::from_vec(v, (4, 64), &Device::Cpu).unwrap();
        let q5 = QTensor::quantize(&t, GgmlDType::Q5_0).unwrap();
        let a: Vec<f32> = q5
            .dequantize(&Device::Cpu)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        let dims = q5.shape().dims().to_vec();
        let q8 = candle_core::quantized::ggml_file::qtensor_from_ggml(
            GgmlDType::Q8_0,
            &super::q5_0_to_q8_0(&q5.data().unwrap()),
            dims,
            &Device::Cpu,
        )
        .unwrap();
        let b: Vec<f32> = q8
            .dequantize(&Device::Cpu)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1()
            .unwrap();
        assert_eq!(a, b);
    }
}
