// SPDX-License-Identifier: MIT
// Shared pieces of the benchmarks: the floor every ratio is reported against, and a loop that times
// a function summed over a set of inputs.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nusi_bench {

/// The floor: one dependent double division per item, 256 items per iteration.
inline void floor_division(benchmark::State& state) {
  double acc = 1;
  for (auto _ : state) {
    for (int i = 0; i < 256; ++i) acc += 1.0 / (double(i) + acc);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}

/// Times sum_i f(x_i) over the inputs; one item per input.
template <class Real, class F>
void sum_over(benchmark::State& state, const std::vector<Real>& inputs, F f) {
  for (auto _ : state) {
    Real acc = 0;
    for (const Real& x : inputs) acc += f(x);
    benchmark::DoNotOptimize(acc);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(inputs.size()));
}

}  // namespace nusi_bench
