// Shared checks for constitutive models (used by every tests/unit/*_test.cc):
// a central finite-difference check of the consistent tangent and a
// superposed-rotation (objectivity) check. Both return the measured error so
// the test states its own tolerance with EXPECT_LT.
#ifndef micropillar_tests_material_checks_h
#define micropillar_tests_material_checks_h

#include <cmath>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>
#include <micropillar/constitutive/interface.h>
#include <vector>

namespace micropillar
{
  namespace testing
  {
    using constitutive::Model;
    using constitutive::PointContext;
    using constitutive::Tensor2;
    using constitutive::Tensor4;
    using constitutive::UpdateResult;

    /// Run one update; asserts nothing, returns the result.
    inline UpdateResult
    run_update(const Model               &model,
               const Tensor2             &F,
               const Tensor2             &F_old,
               const double               dt,
               const std::vector<double> &old_state,
               std::vector<double>       *new_state_out = nullptr)
    {
      std::vector<double> new_state(old_state.size());
      UpdateResult        r;
      model.update(F, F_old, dt, old_state, new_state, r);
      if (new_state_out)
        *new_state_out = new_state;
      return r;
    }

    /// max_ij |A_fd - A| / max|A| with A_fd from central differences of P
    /// in F with step h (F_old, dt and the old state held fixed).
    inline double
    tangent_error(const Model               &model,
                  const Tensor2             &F,
                  const Tensor2             &F_old,
                  const double               dt,
                  const std::vector<double> &old_state,
                  const double               h = 1e-7)
    {
      const UpdateResult r = run_update(model, F, F_old, dt, old_state);
      if (!r.converged)
        return 1e30;
      double max_a = 0., max_diff = 0.;
      for (unsigned int k = 0; k < 3; ++k)
        for (unsigned int l = 0; l < 3; ++l)
        {
          Tensor2 Fp = F, Fm = F;
          Fp[k][l] += h;
          Fm[k][l] -= h;
          const UpdateResult rp = run_update(model, Fp, F_old, dt, old_state);
          const UpdateResult rm = run_update(model, Fm, F_old, dt, old_state);
          if (!rp.converged || !rm.converged)
            return 1e30;
          for (unsigned int i = 0; i < 3; ++i)
            for (unsigned int j = 0; j < 3; ++j)
            {
              const double fd = (rp.P[i][j] - rm.P[i][j]) / (2. * h);
              max_diff = std::max(max_diff, std::abs(fd - r.dP_dF[i][j][k][l]));
              max_a    = std::max(max_a, std::abs(r.dP_dF[i][j][k][l]));
            }
        }
      return max_diff / max_a;
    }

    /// A proper rotation from an axis (need not be unit) and an angle [rad].
    inline Tensor2
    rotation(const dealii::Tensor<1, 3> &axis_in, const double angle)
    {
      const dealii::Tensor<1, 3> a = axis_in / axis_in.norm();
      Tensor2                    W;
      W[0][1]         = -a[2];
      W[0][2]         = a[1];
      W[1][0]         = a[2];
      W[1][2]         = -a[0];
      W[2][0]         = -a[1];
      W[2][1]         = a[0];
      const Tensor2 I = dealii::unit_symmetric_tensor<3>();
      return I + std::sin(angle) * W + (1. - std::cos(angle)) * W * W;
    }

    /// |P(QF, QF_old) - Q P(F, F_old)| / |P(F, F_old)| for a rotation Q
    /// superposed on both configurations.
    inline double
    objectivity_error(const Model               &model,
                      const Tensor2             &F,
                      const Tensor2             &F_old,
                      const double               dt,
                      const std::vector<double> &old_state,
                      const Tensor2             &Q)
    {
      const UpdateResult r = run_update(model, F, F_old, dt, old_state);
      const UpdateResult rq =
        run_update(model, Q * F, Q * F_old, dt, old_state);
      if (!r.converged || !rq.converged)
        return 1e30;
      return (rq.P - Q * r.P).norm() / r.P.norm();
    }

    /// A test model that wraps another: state and shear modulus are the
    /// inner model's; a derived class overrides update() to change the
    /// response (e.g. a degraded stress), so that the generic tangent and
    /// objectivity checks above apply to the wrapped response.
    class WrappedModel : public Model
    {
    public:
      explicit WrappedModel(const Model &inner)
          : inner(inner)
      {
      }
      unsigned int
      n_state() const override
      {
        return inner.n_state();
      }
      void
      initialise_state(const PointContext  &c,
                       std::vector<double> &s) const override
      {
        inner.initialise_state(c, s);
      }
      double
      shear_modulus() const override
      {
        return inner.shear_modulus();
      }
      void
      start_step(std::vector<double> &s) const override
      {
        inner.start_step(s);
      }

    protected:
      const Model &inner;
    };
  } // namespace testing
} // namespace micropillar

#endif
