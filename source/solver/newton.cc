// PillarSolver: boundary values of the punch and the Newton iteration of
// the displacement field (linear solve, backtracking line search).
#include <cmath>
#include <deal.II/base/mpi.h>
#include <deal.II/numerics/vector_tools.h>
#include <limits>
#include <micropillar/geometry/pillar.h>
#include <micropillar/solver/linear_solver.h>
#include <micropillar/solver/pillar_solver.h>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;


    template <typename LA>
    void
    PillarSolver<LA>::apply_boundary_values(const double punch_displacement,
                                            VectorType  &u)
    {
      std::map<types::global_dof_index, double> values;
      current_punch_displacement = punch_displacement;
      const bool stuck           = params.punch.punch_contact == "stuck";
      // The punch face moves down by punch_displacement; a stuck face keeps
      // its in-plane position.
      Functions::ConstantFunction<3> punch_values(
        std::vector<double>{0., 0., -punch_displacement});
      // (Coulomb contact: no constrained DoF on the punch face; the punch
      // position enters the contact forces.)
      if (!contact_on)
        VectorTools::interpolate_boundary_values(
          dof_handler,
          geometry::boundary_id::punch,
          punch_values,
          values,
          stuck ? fe->component_mask(FEValuesExtractors::Vector(0))
                : fe->component_mask(FEValuesExtractors::Scalar(2)));
      for (const auto &v : values)
        if (locally_owned.is_element(v.first))
          u(v.first) = v.second;
      // Other constrained DoFs (bottom, pins) stay at zero.
      for (const auto i : locally_owned)
        if (constraints.is_constrained(i) && values.count(i) == 0)
          u(i) = 0.;
      u.compress(VectorOperation::insert);
    }


    template <typename LA>
    typename PillarSolver<LA>::StepResult
    PillarSolver<LA>::newton_iterate(const double dt)
    {
      StepResult result;
      VectorType u(locally_owned, comm);
      auto       norms = residual_norms();
      for (unsigned int it = 0;; ++it)
      {
        const double tolerance =
          std::max(params.newton.relative_tolerance * norms.second,
                   params.newton.absolute_tolerance);
        if (params.output.verbose)
          pcout << "    Newton " << it << ": |R| = " << norms.first
                << " (tolerance " << tolerance << ")" << std::endl;
        if (!std::isfinite(norms.first) || !std::isfinite(norms.second))
        {
          result.reason = "NaN or Inf in the residual";
          return result;
        }
        if (norms.first <= tolerance)
        {
          result.converged            = true;
          result.iterations           = it;
          result.max_solve_iterations = it;
          return result;
        }
        if (it == params.newton.max_iterations)
        {
          result.reason =
            "no convergence in " + std::to_string(it) +
            " Newton iterations (|R| = " + std::to_string(norms.first) + ")";
          return result;
        }
        LinearSolveResult ls;
        {
          TimerOutput::Scope t(timer, "linear solve");
          ls = solve_linear_system(K,
                                   newton_update,
                                   rhs,
                                   params.linear_solver,
                                   dof_handler,
                                   linear_solver_state);
        }
        if (params.output.verbose)
          pcout << "    linear solver: " << ls.iterations << " iterations"
                << (ls.used_fallback ? " (failed; direct fallback)" : "")
                << std::endl;
        if (ls.used_fallback)
          ++n_direct_fallbacks;
        if (!ls.converged)
        {
          result.reason = "linear solver failed: " + ls.message;
          return result;
        }
        constraints.distribute(newton_update);
        if (inject_nan_at_step == step + 1 && !nan_injected)
        {
          // Test hook (MICROPILLAR_TEST_INJECT_NAN_AT_STEP): poison the
          // update once; the step must be cut back, never written.
          nan_injected = true;
          if (!locally_owned.is_empty())
            newton_update(*locally_owned.begin()) =
              std::numeric_limits<double>::quiet_NaN();
          newton_update.compress(VectorOperation::insert);
        }

        // Backtracking line search on the free residual norm.
        VectorType base(locally_owned, comm);
        base                  = solution;
        double       alpha    = 1.;
        bool         accepted = false;
        const double r_old    = norms.first;
        for (unsigned int ls_step = 0;; ++ls_step)
        {
          u = base;
          u.add(alpha, newton_update);
          solution      = u;
          const bool ok = assemble(dt, true);
          if (ok)
            norms = residual_norms();
          const bool last = !params.newton.line_search ||
                            ls_step >= params.newton.max_line_search_steps;
          if (ok && (norms.first < (1. - 1e-4 * alpha) * r_old || last))
          {
            accepted = true;
            break;
          }
          if (last)
            break;
          alpha *= 0.5;
        }
        if (!accepted)
        {
          result.reason = "a material point failed for every line-search "
                          "step (last: " +
                          point_failure + ")";
          return result;
        }
      }
    }


  } // namespace solver
} // namespace micropillar

MICROPILLAR_INSTANTIATE_PILLAR_SOLVER
