// Material-point driver of the homogenised laminate (issue 13): uniaxial
// compression along the layer normal N0 = z of ONE laminate point read from
// a pillar's parameter file, with the lateral and shear first Piola
// stresses held at zero (P_ij = 0 for ij != zz, Newton on the point's
// consistent tangent over the 8 other components of F). Prints, per step,
// the mixture's axial Cauchy stress and, for the crystal and the glass
// sub-points, the Cauchy stresses in the plane of the layers (the larger
// and smaller principal value of the in-plane 2x2 block), the axial one,
// the tensile elastic energy psi+ of each split (phase_field::energy_split
// with each sub-model's own isotropic moduli) and the equivalent plastic
// strain; the mixture's psi+ (what the whole-point degradation sees) for
// comparison. With a damage d > 0 the crystal sub-point is degraded with
// g(d) (residual stiffness 1e-6; update_degraded()) from the first step
// on, with the file's Fracture/Energy split and Fracture/Broken phase
// degradation: the point's response with its crystal cracked. The mixture's
// and the glass's columns are the point's; the crystal's columns re-run its
// update with the step's dt, so for a broken, frozen crystal (g below the
// broken-phase bound: dt = 0 and the exact split inside the laminate) they
// are not the stresses the laminate used.
//   build/laminate_point PRM [target strain = 0.2] [increment = 0.002]
//                        [x y of the point = 0.1 0.05] [d = 0] [d1]
// With d1 given, the last step is then re-solved at d1 from the state
// converged at d (a staggered pass in which the damage jumps, issue 13):
// the point's first update_degraded() call at d1 and the stress after the
// 8-component iteration are reported.
// The point sits at z = 1 µm (grain lookup: columnar, x-y only). Strain rate
// and material: the file's (first material must be a homogenised laminate).
#include <cmath>
#include <cstdio>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/lac/full_matrix.h>
#include <deal.II/lac/vector.h>
#include <iostream>
#include <micropillar/constitutive/laminate.h>
#include <micropillar/constitutive/phase_field.h>
#include <micropillar/constitutive/registry.h>
#include <micropillar/solver/parameters.h>
#include <optional>

using namespace micropillar;
using namespace micropillar::constitutive;
namespace pf = phase_field;

namespace
{
  // In-plane (x-y) principal Cauchy stresses (larger, smaller).
  std::pair<double, double>
  in_plane(const Tensor2 &s)
  {
    const double m = 0.5 * (s[0][0] + s[1][1]);
    const double r =
      std::sqrt(0.25 * (s[0][0] - s[1][1]) * (s[0][0] - s[1][1]) +
                0.25 * (s[0][1] + s[1][0]) * (s[0][1] + s[1][0]));
    return {m + r, m - r};
  }

  Tensor2
  cauchy(const Tensor2 &P, const Tensor2 &F)
  {
    return P * dealii::transpose(F) / dealii::determinant(F);
  }
} // namespace

int
run(int argc, char **argv);

int
main(int argc, char **argv)
{
  dealii::Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  try
  {
    return run(argc, argv);
  }
  catch (const dealii::ExceptionBase &e)
  {
    std::cerr << "laminate_point: ";
    e.print_info(std::cerr); // the message, not the programmer's banner
    return 1;
  }
  catch (const std::exception &e)
  {
    std::cerr << "laminate_point: " << e.what() << std::endl;
    return 1;
  }
}

int
run(int argc, char **argv)
{
  if (argc < 2)
  {
    std::cerr << "usage: laminate_point PRM [target] [increment] [x y] [d]\n";
    return 1;
  }
  const double target = argc > 2 ? std::atof(argv[2]) : 0.2;
  const double inc    = argc > 3 ? std::atof(argv[3]) : 0.002;
  const double x      = argc > 5 ? std::atof(argv[4]) : 0.1;
  const double y      = argc > 5 ? std::atof(argv[5]) : 0.05;
  const double d      = argc > 6 ? std::atof(argv[6]) : 0.;
  const double d1     = argc > 7 ? std::atof(argv[7]) : -1.;

  dealii::ParameterHandler prm;
  solver::RunParameters    params;
  solver::read_parameter_file(argv[1], prm, params);
  const auto  models = create_models(params.materials.materials, prm);
  const auto *lam = dynamic_cast<const HomogenisedLaminate *>(models[0].get());
  if (lam == nullptr)
  {
    std::cerr << "the first material is not a homogenised laminate\n";
    return 1;
  }
  const double rate = params.punch.strain_rate;

  PointContext context;
  context.X               = dealii::Point<3>(x, y, 1.);
  context.layer_normal    = dealii::Tensor<1, 3>({0., 0., 1.});
  context.layer_thickness = 0.03;
  PointContext cc = context, cg = context;
  cc.layer_thickness           = lam->get_parameters().crystal_layer_thickness;
  cg.layer_thickness           = lam->get_parameters().glass_layer_thickness;
  const pf::IsotropicModuli mc = pf::isotropic_moduli(lam->crystal_model(), cc);
  const pf::IsotropicModuli mg = pf::isotropic_moduli(lam->glass_model(), cg);
  const pf::IsotropicModuli mm = pf::isotropic_moduli(*lam, context);
  pf::PhaseDegradation      deg;
  deg.g            = pf::degradation(d, 1e-6);
  deg.split        = pf::split_from_string(params.fracture.energy_split);
  deg.frozen_below = params.fracture.broken_phase_degradation;
  deg.cracks[0]    = d > 0.;
  deg.moduli[0]    = mc;
  deg.moduli[1]    = mg;
  double psi[2];
  std::printf("# split %s, broken below g = %g; moduli K, G [MPa]: crystal "
              "%.0f %.0f, glass %.0f %.0f, mixture %.0f %.0f\n",
              params.fracture.energy_split.c_str(),
              deg.frozen_below,
              mc.K,
              mc.G,
              mg.K,
              mg.G,
              mm.K,
              mm.G);
  std::printf(
    "strain,sigma_zz,c_inplane_max,c_inplane_min,c_zz,g_inplane_max,"
    "g_inplane_min,g_zz,c_psi_spectral,g_psi_spectral,"
    "mix_psi_spectral,c_psi_amor,g_psi_amor,mix_psi_amor,ep_c,ep_g\n");

  std::vector<double> s(lam->n_state()), s_new(lam->n_state());
  lam->initialise_state(context, s);
  Tensor2      F_old = dealii::unit_symmetric_tensor<3>(), F = F_old;
  const double dt = inc / rate;
  UpdateResult r;
  for (unsigned int n = 1; n * inc <= target + 1e-12; ++n)
  {
    F[2][2]          = 1. - n * inc; // engineering strain of the pillar
    const bool last  = (n + 1) * inc > target + 1e-12;
    bool       ok    = false;
    bool       again = last && d1 >= 0.;
    for (unsigned int it = 0; it < 80 && !ok; ++it)
    {
      lam->update_degraded(F, F_old, dt, s, s_new, r, deg, psi);
      if (!r.converged)
      {
        if (!again && d1 >= 0. && last)
          std::printf("# d1 = %g: point solve failed (iteration %u)\n", d1, it);
        break;
      }
      // residual over the 8 components ij != zz
      dealii::Vector<double>     res(8), dx(8);
      dealii::FullMatrix<double> J(8, 8);
      unsigned int               a    = 0;
      double                     norm = 0.;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
          if (i != 2 || j != 2)
          {
            res(a)         = r.P[i][j];
            norm           = std::max(norm, std::abs(res(a)));
            unsigned int b = 0;
            for (unsigned int k = 0; k < 3; ++k)
              for (unsigned int l = 0; l < 3; ++l)
                if (k != 2 || l != 2)
                  J(a, b++) = r.dP_dF[i][j][k][l];
            ++a;
          }
      if (norm < 1e-8 * lam->shear_modulus())
      {
        if (again)
        {
          // converged at d: the damage jumps to d1 (same F, state carried)
          again             = false;
          const Tensor2 sm0 = cauchy(r.P, F);
          std::printf("# converged at d = %g: sigma_zz %.2f; now d1 = %g\n",
                      d,
                      sm0[2][2],
                      d1);
          deg.g         = pf::degradation(d1, 1e-6);
          deg.cracks[0] = d1 > 0.;
          continue;
        }
        ok = true;
        break;
      }
      J.gauss_jordan();
      J.vmult(dx, res);
      a = 0;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int j = 0; j < 3; ++j)
          if (i != 2 || j != 2)
            F[i][j] -= dx(a++);
    }
    if (!ok)
    {
      std::printf("# step %u: no convergence\n", n);
      return 2;
    }
    // Sub-point responses at the converged jump (the same deterministic
    // updates the laminate made).
    Tensor2 F_c, F_g, F_c_old, F_g_old;
    lam->phase_deformations(F, s_new, F_c, F_g);
    lam->phase_deformations(F_old, s, F_c_old, F_g_old);
    std::vector<double> oc = lam->crystal_state(s), og = lam->glass_state(s),
                        nc(oc.size()), ng(og.size());
    UpdateResult rc, rg;
    lam->crystal_model().update(F_c, F_c_old, dt, oc, nc, rc);
    lam->glass_model().update(F_g, F_g_old, dt, og, ng, rg);
    // psi+ from the effective crystal stress; the printed stress degraded
    const Tensor2 tc = rc.P * dealii::transpose(F_c);
    if (deg.cracks[0])
    {
      // the crystal's own metric for the orthogonal split, as the laminate
      pf::Stiffness                    C;
      std::optional<pf::StepStiffness> metric;
      if (deg.split == pf::Split::orthogonal &&
          lam->crystal_model().elastic_stiffness(F_c_old, oc, C))
        metric = pf::step_stiffness(C, F_c_old);
      pf::degrade(rc, F_c, deg.g, deg.split, mc, metric ? &*metric : nullptr);
    }
    const Tensor2 sc = cauchy(rc.P, F_c), sg = cauchy(rg.P, F_g),
                  sm = cauchy(r.P, F);
    const Tensor2 tg = rg.P * dealii::transpose(F_g),
                  tm = r.P * dealii::transpose(F);
    const auto ic = in_plane(sc), ig = in_plane(sg);
    using S = pf::Split;
    std::printf(
      "%.4f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,"
      "%.4f,%.4f\n",
      n * inc,
      sm[2][2],
      ic.first,
      ic.second,
      sc[2][2],
      ig.first,
      ig.second,
      sg[2][2],
      pf::energy_split(tc, mc, S::spectral).first,
      pf::energy_split(tg, mg, S::spectral).first,
      pf::energy_split(tm, mm, S::spectral).first,
      pf::energy_split(tc, mc).first,
      pf::energy_split(tg, mg).first,
      pf::energy_split(tm, mm).first,
      lam->crystal_model().equivalent_plastic_strain(nc),
      lam->glass_model().equivalent_plastic_strain(ng));
    s     = s_new;
    F_old = F;
  }
  return 0;
}
