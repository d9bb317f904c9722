#pragma once
// Group-wise int4 quantization of a weight matrix [rows, cols] (torch layout [out, in]).
//
// Each row is cut into blocks of `group_size` consecutive columns (the last block is zero-padded);
// each block has one float scale and (asymmetric) one zero point in 0..15. Quantized values are
// unsigned nibbles q in 0..15 and dequantize to (q - zero_point) * scale; symmetric blocks use
// zero_point 8 and scale = max|w| / 7 (q clamped to 1..15, so the grid is symmetric: -7..7).
// Asymmetric blocks use scale = (max - min) / 15 and zero_point = round(-min / scale).
//
// Packing: two nibbles per byte, the even column in the low nibble; `packed` is laid out
// [rows, blocks, group_size / 2] (columns of the padded row in order). This is the layout of
// onnxruntime's MatMulNBits `B` input (bits=4, block_size=group_size, N=rows, K=cols); scales
// are [rows * blocks] row-major like its `scales` input, and PackZeroPoints() gives its
// `zero_points` input (nibble-packed, [rows, ceil(blocks / 2)]).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace accelbench::quant {

struct Int4Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t group_size = 64;
  bool symmetric = true;
  std::vector<uint8_t> packed;       // rows * blocks * group_size / 2 bytes
  std::vector<float> scales;         // rows * blocks
  std::vector<uint8_t> zero_points;  // rows * blocks, one value 0..15 per block (8 if symmetric)

  int64_t Blocks() const { return (cols + group_size - 1) / group_size; }
  // Bytes as stored for inference: packed nibbles + scales at `scale_bytes` each (2 = fp16,
  // as the libtorch lowering keeps them) + nibble-packed zero points when asymmetric.
  size_t StorageBytes(size_t scale_bytes = 2) const;
};

// Packs values 0..15 two per byte (even index in the low nibble); odd counts pad with 0.
std::vector<uint8_t> PackNibbles(std::span<const uint8_t> values);
// Unpacks `count` values.
std::vector<uint8_t> UnpackNibbles(std::span<const uint8_t> packed, size_t count);

// Quantizes w (rows * cols floats, row-major). group_size must be even and >= 2; throws
// UsageError otherwise.
Int4Matrix QuantizeInt4(std::span<const float> w, int64_t rows, int64_t cols,
                        int64_t group_size = 64, bool symmetric = true);
// Back to rows * cols floats.
std::vector<float> DequantizeInt4(const Int4Matrix& m);
// The unpadded nibble value of element (r, c).
uint8_t Int4At(const Int4Matrix& m, int64_t r, int64_t c);
// MatMulNBits zero_points input: nibble-packed per row, [rows, ceil(blocks / 2)].
std::vector<uint8_t> PackZeroPoints(const Int4Matrix& m);

}  // namespace accelbench::quant
