// SPDX-License-Identifier: MIT
// Vectors whose resize leaves new elements default-initialised (a double keeps no value) instead of zeroed: for arrays
// that are written in full right after they are sized (a kernel's blocks), where zeroing first would only cost a pass.
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace nusi::detail {

/// std::allocator whose construct() without arguments default-initialises (no zeroing); with arguments as usual.
template <class T>
struct default_init_allocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = default_init_allocator<U>;
  };
  default_init_allocator() noexcept = default;
  template <class U>
  default_init_allocator(const default_init_allocator<U>& other) noexcept : std::allocator<T>(other) {}
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

/// A vector sized without zeroing: every element must be written before it is read.
template <class T>
using uninitialized_vector = std::vector<T, default_init_allocator<T>>;

}  // namespace nusi::detail
