// Compressible neo-Hookean elasticity (verification model).
//
//   Psi = mu/2 (tr C - 3 - 2 ln J) + lambda/2 (ln J)^2
//   P   = mu (F - F^-T) + lambda ln J F^-T
//   A_iJkL = mu d_ik d_JL + (mu - lambda ln J) F^-1_Li F^-1_Jk
//            + lambda F^-T_iJ F^-T_kL
// [textbook, e.g. Holzapfel 2000, eq. 6.148 with this volumetric term]
#ifndef micropillar_constitutive_neo_hookean_h
#define micropillar_constitutive_neo_hookean_h

#include <deal.II/base/parameter_handler.h>
#include <micropillar/constitutive/interface.h>

namespace micropillar
{
  namespace constitutive
  {
    class NeoHookean : public Model
    {
    public:
      /// Young's modulus E [MPa] and Poisson's ratio nu [-].
      NeoHookean(const double youngs_modulus, const double poisson_ratio);

      /// Reads subsection "neo-Hookean".
      explicit NeoHookean(dealii::ParameterHandler &prm);

      static void
      declare_parameters(dealii::ParameterHandler &prm);

      unsigned int
      n_state() const override
      {
        return 0;
      }

      void
      initialise_state(const PointContext &,
                       std::vector<double> &) const override
      {
      }

      void
      update(const Tensor2             &F,
             const Tensor2             &F_old,
             const double               dt,
             const std::vector<double> &old_state,
             std::vector<double>       &new_state,
             UpdateResult              &result) const override;

      double
      shear_modulus() const override
      {
        return mu;
      }

    private:
      double mu;
      double lambda;
    };
  } // namespace constitutive
} // namespace micropillar

#endif
