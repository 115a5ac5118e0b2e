#include <cmath>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/tensor.h>
#include <micropillar/constitutive/neo_hookean.h>
#include <micropillar/constitutive/registry.h>

namespace micropillar
{
  namespace constitutive
  {
    NeoHookean::NeoHookean(const double E, const double nu)
        : mu(E / (2. * (1. + nu)))
        , lambda(E * nu / ((1. + nu) * (1. - 2. * nu)))
    {
      AssertThrow(E > 0. && nu > -1. && nu < 0.5,
                  dealii::ExcMessage(
                    "neo-Hookean: need Young's modulus > 0 and -1 < Poisson's "
                    "ratio < 0.5, got E = " +
                    std::to_string(E) + ", nu = " + std::to_string(nu)));
    }

    NeoHookean::NeoHookean(dealii::ParameterHandler &prm)
        : NeoHookean(prm.get_double("Young's modulus"),
                     prm.get_double("Poisson's ratio"))
    {
    }

    void
    NeoHookean::declare_parameters(dealii::ParameterHandler &prm)
    {
      prm.declare_entry("Young's modulus",
                        "200000",
                        dealii::Patterns::Double(0.),
                        "Small-strain Young's modulus E [MPa].");
      prm.declare_entry("Poisson's ratio",
                        "0.3",
                        dealii::Patterns::Double(-1., 0.5),
                        "Small-strain Poisson's ratio [-].");
    }

    void
    NeoHookean::update(const Tensor2 &F,
                       const Tensor2 & /*F_old*/,
                       const double /*dt*/,
                       const std::vector<double> & /*old_state*/,
                       std::vector<double> & /*new_state*/,
                       UpdateResult &result) const
    {
      const double J = dealii::determinant(F);
      if (!(J > 0.))
      {
        result.converged = false;
        return;
      }
      const Tensor2 F_inv   = dealii::invert(F);
      const Tensor2 F_inv_T = dealii::transpose(F_inv);
      const double  ln_J    = std::log(J);

      result.P = mu * (F - F_inv_T) + lambda * ln_J * F_inv_T;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int J_ = 0; J_ < 3; ++J_)
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int L = 0; L < 3; ++L)
              result.dP_dF[i][J_][k][L] =
                (i == k && J_ == L ? mu : 0.) +
                (mu - lambda * ln_J) * F_inv[L][i] * F_inv[J_][k] +
                lambda * F_inv_T[i][J_] * F_inv_T[k][L];
      result.converged = true;
    }

    MICROPILLAR_REGISTER_MODEL(
      NeoHookean,
      "neo-Hookean",
      "Compressible neo-Hookean elasticity; a verification model.")
  } // namespace constitutive
} // namespace micropillar
