// Point updates per second of the crystal-plasticity model on one core, at
// a typical plastic increment (strain increment 5e-4 at 1e-3 /s after ~1 %
// of plastic flow, general velocity gradient, random orientation).
// Targets (issue 16): >= 300k/s FCC, >= 150k/s HCP; measured 2026-12-03
// after the sixth pass (load ~5): FCC 236-303k/s, HCP 135-217k/s, HCP
// transforming 67-87k/s; callgrind: 34.7k / 54.4k / 126k instructions per
// update (docs/performance.md).
//   ./crystal_benchmark --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <micropillar/constitutive/crystal/crystal_plasticity.h>

using namespace micropillar::constitutive;
using namespace micropillar::constitutive::crystal;

namespace
{
  Tensor2
  velocity_gradient()
  {
    const double d[3][3] = {{0.3, 0.25, -0.1},
                            {-0.15, 0.2, 0.3},
                            {0.1, -0.2, -1.0}};
    Tensor2      L;
    for (unsigned int i = 0; i < 3; ++i)
      for (unsigned int j = 0; j < 3; ++j)
        L[i][j] = 1e-3 * d[i][j];
    return L;
  }

  void
  run(benchmark::State                    &bstate,
      const CrystalPlasticity::Parameters &p,
      const PointContext                  &context)
  {
    const CrystalPlasticity m(p);
    std::vector<double>     s(m.n_state()), s_new(m.n_state());
    m.initialise_state(context, s);
    const double dt    = 0.5;
    Tensor2      F_old = identity();
    UpdateResult r;
    for (unsigned int k = 1; k <= 40; ++k)
    {
      const Tensor2 F = identity() + (k * dt) * velocity_gradient();
      m.update(F, F_old, dt, s, s_new, r);
      if (!r.converged)
      {
        bstate.SkipWithError("preload did not converge");
        return;
      }
      s.swap(s_new);
      F_old = F;
    }
    const Tensor2 F = F_old + dt * velocity_gradient();
    for (auto _ : bstate)
    {
      m.update(F, F_old, dt, s, s_new, r);
      benchmark::DoNotOptimize(r.P[2][2]);
      benchmark::ClobberMemory();
    }
    if (!r.converged)
      bstate.SkipWithError("update did not converge");
    bstate.SetItemsProcessed(bstate.iterations());
    bstate.counters["eps_p"] = m.equivalent_plastic_strain(s_new);
  }

  void
  BM_fcc(benchmark::State &bstate)
  {
    CrystalPlasticity::Parameters p;
    p.initial_phase               = "FCC";
    p.transformation              = false;
    p.microstructure.euler_angles = {{20., 35., 50.}};
    run(bstate, p, PointContext());
  }

  void
  BM_fcc_laminate(benchmark::State &bstate)
  {
    // Columnar grains and the interface barrier on (adds Nanson and the
    // slip-plane angles per sub-step).
    CrystalPlasticity::Parameters p;
    p.initial_phase             = "FCC";
    p.transformation            = false;
    p.microstructure.type       = Microstructure::Type::columnar;
    p.microstructure.grain_size = 0.02;
    p.microstructure.texture    = Microstructure::Texture::random;
    PointContext c;
    c.X               = dealii::Point<3>(0.11, 0.2, 0.3);
    c.layer_index     = 3;
    c.layer_thickness = 0.018;
    run(bstate, p, c);
  }

  void
  BM_hcp(benchmark::State &bstate)
  {
    CrystalPlasticity::Parameters p;
    p.initial_phase               = "HCP";
    p.transformation              = false;
    p.microstructure.euler_angles = {{10., 40., 25.}};
    run(bstate, p, PointContext());
  }

  void
  BM_hcp_transforming(benchmark::State &bstate)
  {
    CrystalPlasticity::Parameters p;
    p.initial_phase               = "HCP";
    p.transformation              = true;
    p.tr_crss                     = 80.;
    p.microstructure.euler_angles = {{10., 40., 25.}};
    run(bstate, p, PointContext());
  }
} // namespace

BENCHMARK(BM_fcc);
BENCHMARK(BM_fcc_laminate);
BENCHMARK(BM_hcp);
BENCHMARK(BM_hcp_transforming);
BENCHMARK_MAIN();
