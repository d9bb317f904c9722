#include "quant/int4.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/errors.h"

namespace accelbench::quant {

size_t Int4Matrix::StorageBytes(size_t scale_bytes) const {
  size_t bytes = packed.size() + scales.size() * scale_bytes;
  if (!symmetric) bytes += static_cast<size_t>(rows * ((Blocks() + 1) / 2));
  return bytes;
}

std::vector<uint8_t> PackNibbles(std::span<const uint8_t> values) {
  std::vector<uint8_t> out((values.size() + 1) / 2, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint8_t v = values[i] & 0x0F;
    out[i / 2] |= (i % 2 == 0) ? v : static_cast<uint8_t>(v << 4);
  }
  return out;
}

std::vector<uint8_t> UnpackNibbles(std::span<const uint8_t> packed, size_t count) {
  if (packed.size() * 2 < count)
    throw UsageError("UnpackNibbles: " + std::to_string(count) + " values need " +
                     std::to_string((count + 1) / 2) + " bytes, got " +
                     std::to_string(packed.size()));
  std::vector<uint8_t> out(count);
  for (size_t i = 0; i < count; ++i)
    out[i] = (i % 2 == 0) ? (packed[i / 2] & 0x0F) : (packed[i / 2] >> 4);
  return out;
}

Int4Matrix QuantizeInt4(std::span<const float> w, int64_t rows, int64_t cols, int64_t group_size,
                        bool symmetric) {
  if (group_size < 2 || group_size % 2 != 0)
    throw UsageError("int4 group size must be even and >= 2, got " + std::to_string(group_size));
  if (rows < 0 || cols < 0 || static_cast<int64_t>(w.size()) != rows * cols)
    throw UsageError("QuantizeInt4: " + std::to_string(w.size()) + " values for a " +
                     std::to_string(rows) + "x" + std::to_string(cols) + " matrix");
  Int4Matrix m;
  m.rows = rows;
  m.cols = cols;
  m.group_size = group_size;
  m.symmetric = symmetric;
  const int64_t blocks = m.Blocks();
  m.scales.assign(static_cast<size_t>(rows * blocks), 0.f);
  m.zero_points.assign(static_cast<size_t>(rows * blocks), 8);
  std::vector<uint8_t> q(static_cast<size_t>(rows * blocks * group_size), 0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t c0 = b * group_size, c1 = std::min(cols, c0 + group_size);
      const float* row = w.data() + r * cols;
      float lo = 0.f, hi = 0.f, amax = 0.f;
      for (int64_t c = c0; c < c1; ++c) {
        lo = std::min(lo, row[c]);
        hi = std::max(hi, row[c]);
        amax = std::max(amax, std::fabs(row[c]));
      }
      float scale;
      int zp;
      if (symmetric) {
        scale = amax / 7.f;
        zp = 8;
      } else {  // the range always includes 0 so zero padding stays exact
        scale = (hi - lo) / 15.f;
        zp = scale > 0 ? static_cast<int>(std::lround(-lo / scale)) : 8;
        zp = std::clamp(zp, 0, 15);
      }
      const size_t bi = static_cast<size_t>(r * blocks + b);
      m.scales[bi] = scale;
      m.zero_points[bi] = static_cast<uint8_t>(zp);
      const int qmin = symmetric ? 1 : 0;
      for (int64_t c = c0; c < c0 + group_size; ++c) {
        int v = zp;
        if (c < c1 && scale > 0) v = static_cast<int>(std::lround(row[c] / scale)) + zp;
        q[static_cast<size_t>((r * blocks) * group_size + (c - c0) + b * group_size)] =
            static_cast<uint8_t>(std::clamp(v, qmin, 15));
      }
    }
  }
  m.packed = PackNibbles(q);
  return m;
}

uint8_t Int4At(const Int4Matrix& m, int64_t r, int64_t c) {
  const int64_t padded = m.Blocks() * m.group_size;
  const size_t i = static_cast<size_t>(r * padded + c);
  return (i % 2 == 0) ? (m.packed[i / 2] & 0x0F) : (m.packed[i / 2] >> 4);
}

std::vector<float> DequantizeInt4(const Int4Matrix& m) {
  std::vector<float> out(static_cast<size_t>(m.rows * m.cols));
  const int64_t blocks = m.Blocks();
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c) {
      const size_t bi = static_cast<size_t>(r * blocks + c / m.group_size);
      out[static_cast<size_t>(r * m.cols + c)] =
          (static_cast<int>(Int4At(m, r, c)) - m.zero_points[bi]) * m.scales[bi];
    }
  return out;
}

std::vector<uint8_t> PackZeroPoints(const Int4Matrix& m) {
  const int64_t blocks = m.Blocks(), per_row = (blocks + 1) / 2;
  std::vector<uint8_t> out(static_cast<size_t>(m.rows * per_row), 0);
  for (int64_t r = 0; r < m.rows; ++r) {
    auto row =
        PackNibbles(std::span(m.zero_points)
                        .subspan(static_cast<size_t>(r * blocks), static_cast<size_t>(blocks)));
    std::copy(row.begin(), row.end(), out.begin() + r * per_row);
  }
  return out;
}

}  // namespace accelbench::quant
