// PillarSolver: boundary values of the punch and the Newton iteration of
// the displacement field (linear solve with optional Eisenstat-Walker
// tolerance, backtracking line search, optional stagnation exit; issue 16).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/numerics/vector_tools.h>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
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
    std::vector<std::vector<double>>
    PillarSolver<LA>::point_states() const
    {
      std::vector<std::vector<double>> states;
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          for (const auto &p : history.get_data(cell))
            states.push_back(p->new_state);
      return states;
    }


    template <typename LA>
    void
    PillarSolver<LA>::restore_point_states(
      const std::vector<std::vector<double>> &states)
    {
      std::size_t i = 0;
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          for (auto &p : history.get_data(cell))
            p->new_state = states[i++];
    }


    template <typename LA>
    void
    PillarSolver<LA>::debug_tangent_check(const double      dt,
                                          const VectorType &base,
                                          const bool        restore)
    {
      VectorType u(locally_owned, comm);
      // Every locally owned point: its new_state after the assembly at
      // u, and its stress at the reference evaluation and at h.
      struct PointRecord
      {
        Point<3>              centre;
        unsigned int          q, material;
        SymmetricTensor<2, 3> reference;
        std::vector<double>   jumps;
      };
      std::vector<PointRecord> points;
      const auto               for_each_point = [&](const auto &action)
      {
        std::size_t i = 0;
        for (const auto &cell : dof_handler.active_cell_iterators())
          if (cell->is_locally_owned())
          {
            auto data = this->history.get_data(cell);
            for (unsigned int q = 0; q < data.size(); ++q, ++i)
              action(i, cell, q, *data[q]);
          }
      };
      for_each_point(
        [&](std::size_t, const auto &cell, unsigned int q, PointHistory &h)
        {
          points.push_back(
            PointRecord{cell->center(), q, cell->material_id(), h.cauchy, {}});
        });
      const auto states_at_u    = point_states();
      const auto restore_states = [&]()
      {
        if (restore)
          restore_point_states(states_at_u);
      };
      VectorType r0(locally_owned, comm), d(locally_owned, comm);
      r0              = rhs; // -R(u) on the free DoFs
      const double n0 = r0.l2_norm();
      // Where the residual is: the largest free components of a vector
      // on this rank, at their support points.
      std::map<types::global_dof_index, Point<3>> support;
      DoFTools::map_dofs_to_support_points(MappingQ1<3>(),
                                           dof_handler,
                                           support);
      std::vector<IndexSet> components;
      for (unsigned int c = 0; c < 3; ++c)
        components.push_back(DoFTools::extract_dofs(
          dof_handler, fe->component_mask(FEValuesExtractors::Scalar(c))));
      const auto print_largest =
        [&](const VectorType &v, const std::string &label)
      {
        std::vector<std::pair<double, types::global_dof_index>> largest;
        for (const auto i : locally_owned)
          largest.emplace_back(std::abs(v(i)), i);
        const std::size_t n = std::min<std::size_t>(4, largest.size());
        std::partial_sort(largest.begin(),
                          largest.begin() + n,
                          largest.end(),
                          std::greater<>());
        std::ostringstream s;
        s << "    [rank " << Utilities::MPI::this_mpi_process(comm) << "] "
          << label << ":";
        for (std::size_t k = 0; k < n; ++k)
        {
          unsigned int c = 0;
          while (c < 2 && !components[c].is_element(largest[k].second))
            ++c;
          s << " " << largest[k].first << " ("
            << "xyz"[c] << " at " << support[largest[k].second] << ");";
        }
        std::cout << s.str() << std::endl;
      };
      print_largest(r0, "largest |R| [µN]");
      print_largest(newton_update, "largest |du| [µm]");
      pcout << "    tangent check (|R(u+h du) - (1-h) R(u)| / (h |R(u)|)):";
      solution = base;
      restore_states();
      if (assemble(dt, false))
      {
        residual_norms();
        d = rhs;
        d.add(-1., r0);
        pcout << " h=0: |R - R(u)| = " << d.l2_norm() << " µN;";
        r0 = rhs;
        for_each_point(
          [&](std::size_t i, const auto &, unsigned int, PointHistory &h)
          { points[i].reference = h.cauchy; });
      }
      const std::vector<double> hs = {1., 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6};
      VectorType                d_at_small_h(locally_owned, comm);
      for (const double h : hs)
      {
        u = base; // owned: a ghosted vector cannot be added to in parallel
        u.add(h, newton_update);
        solution = u;
        restore_states();
        const bool ok = assemble(dt, false);
        for_each_point(
          [&](std::size_t i, const auto &, unsigned int, PointHistory &p)
          {
            points[i].jumps.push_back(
              ok ? (p.cauchy - points[i].reference).norm()
                 : std::numeric_limits<double>::quiet_NaN());
          });
        if (!ok)
        {
          pcout << " h=" << h << ": point failure;";
          continue;
        }
        residual_norms();
        d = rhs;
        d.add(-(1. - h), r0);
        if (h == 1e-4)
          d_at_small_h = d;
        pcout << " h=" << h << ": " << d.l2_norm() / (h * n0) << ";";
      }
      pcout << std::endl;
      print_largest(d_at_small_h,
                    "at h = 1e-4, largest |R(u+h du) - (1-h) R(u)| [µN]");
      // The points whose stress change does not fall with h, largest
      // change at h = 1e-6 first (each rank its own; std::cout).
      std::vector<const PointRecord *> jumping;
      for (const auto &p : points)
      {
        const double j5 = p.jumps[hs.size() - 2], j6 = p.jumps.back();
        if (j6 > 1e-6 && j6 > 0.3 * j5)
          jumping.push_back(&p);
      }
      std::sort(jumping.begin(),
                jumping.end(),
                [](auto a, auto b)
                { return a->jumps.back() > b->jumps.back(); });
      for (std::size_t k = 0; k < std::min<std::size_t>(5, jumping.size()); ++k)
      {
        std::ostringstream s;
        s << "    [rank " << Utilities::MPI::this_mpi_process(comm)
          << "] stress not continuous in F at the cell centre ("
          << jumping[k]->centre << "), q " << jumping[k]->q << ", material "
          << jumping[k]->material << ": |dsigma| [MPa] at h = 1e-4/1e-5/1e-6:";
        for (std::size_t m = hs.size() - 3; m < hs.size(); ++m)
          s << " " << jumping[k]->jumps[m];
        std::cout << s.str() << " (" << jumping.size()
                  << " such points on this rank)" << std::endl;
      }
      solution = base;
      restore_states();
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
      // Diagnostic hook: debug_tangent_check() at every Newton direction.
      static const char *tangent_check_mode =
        std::getenv("MICROPILLAR_DEBUG_TANGENT_FD");
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
        if (tangent_check_mode != nullptr)
          debug_tangent_check(dt,
                              base,
                              std::string(tangent_check_mode) == "restore");
        double       alpha    = 1.;
        bool         accepted = false;
        const double r_old    = norms.first;
        // The points' states at u: a rejected trial's choices (the
        // crystal's per-step sub-step counts, the laminate's last jump)
        // are not passed on to the next trial. Before 2026-12-04 they were:
        // a full Newton step far from the root grew the counts of dozens
        // of laminate points under a crack (stress jumps of 10-30 MPa), and
        // the shorter trials were then compared with |R(u)| of the old
        // counts, i.e. not one residual function within a line search
        // (issue 13, stop 28; docs/fracture.md "The stop at ~20 %").
        const auto states_at_u = params.newton.line_search
                                   ? point_states()
                                   : std::vector<std::vector<double>>();
        for (unsigned int ls_step = 0;; ++ls_step)
        {
          if (ls_step > 0)
            restore_point_states(states_at_u);
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
