// Material-point throughput of the isotropic finite-strain models at plastic
// increments: "J2 plasticity" and "free volume glass" (point updates/s,
// reported as items_per_second). One update = stress, consistent tangent
// and new state.
//
//   cmake --build <build> --target glass_benchmark &&
//   <build>/benchmarks/glass_benchmark
#include <benchmark/benchmark.h>
#include <cmath>
#include <deal.II/base/symmetric_tensor.h>
#include <micropillar/constitutive/free_volume_glass.h>
#include <micropillar/constitutive/j2_plasticity.h>

using namespace micropillar::constitutive;

namespace
{
  // A general plastic increment: rotation-free stretch plus shear, F_old on
  // the same path, old state after one plastic step on that path.
  Tensor2
  path(const double t)
  {
    Tensor2 F = dealii::unit_symmetric_tensor<3>();
    F[0][0] -= t;
    F[1][1] += 0.4 * t;
    F[2][2] += 0.5 * t;
    F[0][1] += 0.3 * t;
    F[1][2] -= 0.2 * t;
    return F;
  }

  void
  run(benchmark::State &bench, const Model &model, const double dt)
  {
    std::vector<double> s0(model.n_state()), s1, s2(model.n_state());
    model.initialise_state(PointContext(), s0);
    UpdateResult r;
    model.update(path(0.03), path(0.), dt, s0, s1, r);
    const Tensor2 F_old = path(0.03), F = path(0.035);
    for (auto _ : bench)
    {
      model.update(F, F_old, dt, s1, s2, r);
      benchmark::DoNotOptimize(r.dP_dF);
      benchmark::DoNotOptimize(s2.data());
    }
    if (!r.converged)
      bench.SkipWithError("update did not converge");
    bench.counters["ep_increment"] =
      model.equivalent_plastic_strain(s2) - model.equivalent_plastic_strain(s1);
    bench.SetItemsProcessed(bench.iterations());
  }

  void
  BM_J2PlasticUpdate(benchmark::State &bench)
  {
    J2Plasticity::Parameters p;
    p.yield_stress = 300.;
    const J2Plasticity model(p);
    run(bench, model, 1.);
  }

  void
  BM_GlassPlasticUpdate(benchmark::State &bench)
  {
    const FreeVolumeGlass model{FreeVolumeGlass::Parameters()};
    run(bench, model, 1.); // 0.5 % strain in 1 s: plastic at ~2 GPa
  }

  void
  BM_GlassPlasticUpdatePressureSensitive(benchmark::State &bench)
  {
    FreeVolumeGlass::Parameters p;
    p.pressure_sensitivity = 0.1;
    const FreeVolumeGlass model(p);
    run(bench, model, 1.);
  }

  // The kernel alone: trial state with ln and its derivative, tangent.
  void
  BM_HenckyKernel(benchmark::State &bench)
  {
    const auto e = hencky::IsotropicElasticity::from_young_poisson(2e5, 0.3);
    const hencky::SymTensor4 D = e.tangent();
    for (auto _ : bench)
    {
      const hencky::Trial      trial(path(0.035),
                                dealii::unit_symmetric_tensor<3>());
      const hencky::SymTensor2 tau = e.stress(trial.eps);
      Tensor4                  A   = hencky::tangent(trial, tau, D);
      benchmark::DoNotOptimize(A);
    }
    bench.SetItemsProcessed(bench.iterations());
  }
} // namespace

BENCHMARK(BM_J2PlasticUpdate);
BENCHMARK(BM_GlassPlasticUpdate);
BENCHMARK(BM_GlassPlasticUpdatePressureSensitive);
BENCHMARK(BM_HenckyKernel);

BENCHMARK_MAIN();
