// Types that say what a number is: a page frame number, a count of pages, a count of bytes.
// They do not convert into each other silently; going from pages to bytes needs a page size.
#pragma once

#include <compare>
#include <cstdint>

namespace memsift {

// A strongly typed unsigned 64-bit quantity. Same-unit arithmetic only.
template <typename Tag>
class Quantity {
 public:
  constexpr Quantity() = default;
  constexpr explicit Quantity(uint64_t v) : v_(v) {}
  constexpr uint64_t value() const { return v_; }

  constexpr auto operator<=>(const Quantity&) const = default;
  constexpr Quantity& operator+=(Quantity o) {
    v_ += o.v_;
    return *this;
  }
  constexpr Quantity& operator-=(Quantity o) {
    v_ -= o.v_;
    return *this;
  }
  friend constexpr Quantity operator+(Quantity a, Quantity b) { return Quantity(a.v_ + b.v_); }
  friend constexpr Quantity operator-(Quantity a, Quantity b) { return Quantity(a.v_ - b.v_); }

 private:
  uint64_t v_ = 0;
};

struct PageCountTag {};
struct ByteCountTag {};
using PageCount = Quantity<PageCountTag>;
using ByteCount = Quantity<ByteCountTag>;

// A page frame number: a position, not an amount. PFN + pages = PFN; PFN - PFN = pages.
class Pfn {
 public:
  constexpr Pfn() = default;
  constexpr explicit Pfn(uint64_t v) : v_(v) {}
  constexpr uint64_t value() const { return v_; }
  constexpr auto operator<=>(const Pfn&) const = default;
  friend constexpr Pfn operator+(Pfn p, PageCount n) { return Pfn(p.v_ + n.value()); }
  friend constexpr PageCount operator-(Pfn a, Pfn b) { return PageCount(a.v_ - b.v_); }

 private:
  uint64_t v_ = 0;
};

// The page size of the host a bundle came from (4096, 16384, 65536, ...).
class PageSize {
 public:
  constexpr explicit PageSize(uint64_t bytes) : bytes_(bytes) {}
  constexpr uint64_t bytes() const { return bytes_; }
  constexpr ByteCount toBytes(PageCount n) const { return ByteCount(n.value() * bytes_); }
  // Whole pages in a byte count (rounded down).
  constexpr PageCount toPages(ByteCount b) const { return PageCount(b.value() / bytes_); }

 private:
  uint64_t bytes_;
};

constexpr ByteCount kibToBytes(uint64_t kib) {
  return ByteCount(kib * 1024);
}

}  // namespace memsift
