// PillarSolver: boundary values of the punch and the Newton iteration of
// the displacement field (linear solve with optional Eisenstat-Walker
// tolerance, backtracking line search, optional stagnation exit; issue 16).
#include <cmath>
#include <cstdlib>
#include <deal.II/base/mpi.h>
#include <deal.II/numerics/vector_tools.h>
#include <iomanip>
#include <limits>
#include <micropillar/geometry/pillar.h>
#include <micropillar/solver/linear_solver.h>
#include <micropillar/solver/pillar_solver.h>
#include <sstream>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;

    namespace
    {
      // Residual norms in failure messages: std::to_string prints fixed
      // six decimals, which shows a small residual as 0.000000.
      std::string
      norm_text(const double value)
      {
        std::ostringstream s;
        s << std::scientific << std::setprecision(3) << value;
        return s.str();
      }
    } // namespace

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
      StepResult          result;
      VectorType          u(locally_owned, comm);
      auto                norms = residual_norms();
      std::vector<double> history;            // |R| of every iterate
      double              eta_previous = 0.1; // last Eisenstat-Walker tolerance
      // Diagnostic hook (MICROPILLAR_DEBUG_TANGENT_FD set): a Taylor test
      // of the assembled tangent along each Newton direction du. As
      // K du = -R(u), |R(u + h du) - (1 - h) R(u)| / (h |R(u)|) is O(h)
      // for a consistent tangent and does not fall with h otherwise.
      static const bool tangent_check =
        std::getenv("MICROPILLAR_DEBUG_TANGENT_FD") != nullptr;
      auto check_tangent = [&](const VectorType &base)
      {
        VectorType r0(locally_owned, comm), d(locally_owned, comm);
        r0              = rhs; // -R(u) on the free DoFs
        const double n0 = r0.l2_norm();
        pcout << "    tangent check (|R(u+h du) - (1-h) R(u)| / (h |R(u)|)):";
        for (const double h : {1., 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6})
        {
          u = base; // owned: a ghosted vector cannot be added to in parallel
          u.add(h, newton_update);
          solution = u;
          if (!assemble(dt, false))
          {
            pcout << " h=" << h << ": point failure;";
            continue;
          }
          residual_norms();
          d = rhs;
          d.add(-(1. - h), r0);
          pcout << " h=" << h << ": " << d.l2_norm() / (h * n0) << ";";
        }
        pcout << std::endl;
        solution = base;
      };
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
        history.push_back(norms.first);
        const unsigned int window = params.newton.stagnation_iterations;
        if (window > 0 && it >= window &&
            norms.first > 0.5 * history[it - window])
        {
          result.reason =
            "stagnating Newton iteration (|R| = " + norm_text(norms.first) +
            " after " + std::to_string(it) + " iterations, " +
            norm_text(history[it - window]) + " " + std::to_string(window) +
            " iterations before)";
          return result;
        }
        if (it == params.newton.max_iterations)
        {
          result.reason =
            "no convergence in " + std::to_string(it) +
            " Newton iterations (|R| = " + norm_text(norms.first) +
            ", tolerance " + norm_text(tolerance) + ")";
          return result;
        }
        // Eisenstat-Walker forcing (choice 2): the Krylov tolerance from
        // the last contraction, safeguarded against dropping faster than
        // the previous one squared, at most eta_max, and never tighter than
        // the Newton tolerance or 'Linear solver/Relative tolerance' need.
        LinearSolverParameters lsp = params.linear_solver;
        if (lsp.adaptive_tolerance && lsp.method != "direct")
        {
          constexpr double gamma = 0.9, eta_max = 0.1;
          double           eta = eta_max;
          if (it > 0)
          {
            const double ratio = norms.first / history[it - 1];
            eta                = gamma * ratio * ratio;
            const double safe  = gamma * eta_previous * eta_previous;
            if (safe > 0.1)
              eta = std::max(eta, safe);
          }
          eta          = std::min(eta, eta_max);
          eta          = std::max(eta, 0.5 * tolerance / norms.first);
          eta          = std::max(eta, params.linear_solver.relative_tolerance);
          eta_previous = eta;
          lsp.relative_tolerance = eta;
        }
        LinearSolveResult ls;
        {
          TimerOutput::Scope t(timer, "linear solve");
          ls = solve_linear_system(
            K, newton_update, rhs, lsp, dof_handler, linear_solver_state);
        }
        if (params.output.verbose)
          pcout << "    linear solver: " << ls.iterations << " iterations"
                << (lsp.adaptive_tolerance
                      ? " (relative tolerance " +
                          std::to_string(lsp.relative_tolerance) + ")"
                      : std::string())
                << (ls.used_fallback ? " (failed; direct fallback)" : "")
                << ", max |du| = " << newton_update.linfty_norm() << " µm"
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

        // Backtracking line search on the free residual norm. The full step
        // is assembled with the tangent (it is usually accepted); shorter
        // trials with the residual only, and the accepted one again with
        // the tangent (the same state: the result does not change).
        VectorType base(locally_owned, comm);
        base = solution;
        if (tangent_check)
          check_tangent(base);
        double       alpha    = 1.;
        bool         accepted = false;
        const double r_old    = norms.first;
        for (unsigned int ls_step = 0;; ++ls_step)
        {
          u = base;
          u.add(alpha, newton_update);
          solution               = u;
          const bool with_matrix = ls_step == 0;
          const bool last_trial =
            !params.newton.line_search ||
            ls_step >= params.newton.max_line_search_steps;
          bool ok = false;
          {
            // Newton/Material fallbacks in line search = last trial only:
            // the trials before the last skip the material models' costly
            // fallbacks (constitutive::trial_evaluation()).
            const constitutive::TrialEvaluationScope trial(
              params.newton.quick_trials && !last_trial);
            ok = assemble(dt, with_matrix);
          }
          debug_memory("after an assembly");
          if (ok)
            norms = residual_norms();
          if (ok && (norms.first < (1. - 1e-4 * alpha) * r_old || last_trial))
          {
            if (!with_matrix)
            {
              assemble(dt, true);
              norms = residual_norms();
            }
            accepted = true;
            if (params.output.verbose && alpha < 1.)
              pcout << "    line search: step " << alpha << std::endl;
            break;
          }
          if (last_trial)
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
