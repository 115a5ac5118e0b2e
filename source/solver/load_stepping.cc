// PillarSolver: the load programme. Predictor, machine spring, coupled
// fields, cutback and growth of the strain increment, the curve, signals.
#include <algorithm>
#include <cmath>
#include <deal.II/base/mpi.h>
#include <deal.II/fe/fe_values.h>
#include <iomanip>
#include <iostream>
#include <limits>
#include <micropillar/output/curve_file.h>
#include <micropillar/solver/faults.h>
#include <micropillar/solver/pillar_solver.h>
#include <micropillar/solver/signals.h>
#include <sstream>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;


    template <typename LA>
    bool
    PillarSolver<LA>::predict(const double d_new,
                              const double dt,
                              const bool   from_current)
    {
      // Extrapolate the last converged increment, scaled to the new punch
      // increment; then impose the punch position exactly.
      const double d_increment = d_new - displacement_old;
      VectorType   u(locally_owned, comm);
      u = from_current ? solution : solution_old;
      if (!from_current && last_increment != 0.)
      {
        VectorType du(locally_owned, comm);
        du = solution_old;
        du -= solution_older;
        u.add(d_increment / last_increment, du);
      }
      else if (!from_current)
        // No increment yet: homogeneous axial compression of the pillar.
        u.add(d_increment, unit_compression);
      apply_boundary_values(d_new, u);
      solution = u;

      bool ok = assemble(dt, true);
      if (!ok && !from_current && last_increment != 0.)
      {
        // The extrapolation can overshoot where the last increment was
        // concentrated (a fast shear band, a punch increment far from the
        // last one): it inverts cells or takes a material point out of its
        // range. Try once more from the last converged state with only the
        // punch moved before the step is cut back.
        u = solution_old;
        apply_boundary_values(d_new, u);
        solution = u;
        ok       = assemble(dt, true);
        ++n_plain_predictors;
      }
      return ok;
    }


    template <typename LA>
    double
    PillarSolver<LA>::min_jacobian_ratio(std::string &where)
    {
      FEValues<3> fe_values(*fe, *quadrature, update_gradients);
      const FEValuesExtractors::Vector disp(0);
      std::vector<Tensor<2, 3>>        grad_u(quadrature->size()),
        grad_u_old(quadrature->size());
      double       ratio = std::numeric_limits<double>::max();
      Point<3>     at;
      unsigned int at_material = 0;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values[disp].get_function_gradients(solution, grad_u);
          fe_values[disp].get_function_gradients(solution_old, grad_u_old);
          for (unsigned int q = 0; q < grad_u.size(); ++q)
          {
            const double r =
              determinant(unit_symmetric_tensor<3>() + grad_u[q]) /
              determinant(unit_symmetric_tensor<3>() + grad_u_old[q]);
            if (r < ratio)
            {
              ratio       = r;
              at          = cell->center();
              at_material = cell->material_id();
            }
          }
        }
      const auto         global = Utilities::MPI::min_max_avg(ratio, comm);
      std::ostringstream s;
      s << std::setprecision(4) << "(" << at[0] << ", " << at[1] << ", "
        << at[2] << ") µm";
      if (at_material < params.materials.materials.size())
        s << " (material '" << params.materials.materials[at_material].first
          << "')";
      where = global.min_index == Utilities::MPI::this_mpi_process(comm)
                ? s.str()
                : std::string();
      where = Utilities::MPI::broadcast(comm, where, global.min_index);
      return global.min;
    }


    template <typename LA>
    typename PillarSolver<LA>::StepResult
    PillarSolver<LA>::solve_step(const double d_new,
                                 const double dt,
                                 const bool   from_current)
    {
      if (!predict(d_new, dt, from_current))
      {
        StepResult result;
        result.reason =
          "a material point failed in the predictor: " + point_failure;
        return result;
      }
      return newton_iterate(dt);
    }


    template <typename LA>
    typename PillarSolver<LA>::StepResult
    PillarSolver<LA>::solve_step_with_machine(const double d_machine,
                                              const double dt,
                                              double      &d_p,
                                              const bool   from_current,
                                              double      *local_stiffness)
    {
      const double k = params.punch.machine_stiffness;
      // Start from the last secant stiffness of the pillar (0 at first);
      // a later staggered pass starts where the last one converged (its
      // punch displacement and displacement field: the damage has moved
      // the equilibrium only a little).
      double     S  = std::max(0., pillar_stiffness);
      double     x0 = from_current
                        ? d_p
                        : displacement_old +
                        (d_machine - machine_displacement_old) * k / (k + S);
      StepResult total;
      StepResult s = solve_step(x0, dt, from_current);
      total.iterations += s.iterations;
      total.max_solve_iterations =
        std::max(total.max_solve_iterations, s.max_solve_iterations);
      if (!s.converged)
        return s;
      const double F0 = punch_force();
      double       g0 = x0 + F0 / k - d_machine;
      // The secant from the last converged state to this first evaluation
      // is the best stiffness estimate (at the first step the previous one
      // is unknown and a stiff pillar behind a soft machine would otherwise
      // be pulled into tension by the first correction).
      if (x0 != displacement_old)
        S = std::max(0., (F0 - force_old) / (x0 - displacement_old));
      // Better still, the stiffness at fixed time and damage that the
      // secant iteration measured at an earlier step: g(d_p) is the gap at
      // this step's dt and damage, and the secant across steps also holds
      // the relaxation over the step (the material's rate, the damage of
      // the last step). Where the load falls at an almost fixed punch
      // (a crack's runaway), that secant is negative, the slope was taken
      // as 1 and the correction overshot by 1 + S/k, so the next solve
      // had to unload (the punch moved back) and, with the Coulomb punch,
      // stalled in the stick-slip switches of the rim (issue 13, stop 28).
      if (std::isfinite(machine_measured_stiffness))
        S = machine_measured_stiffness;
      // A later staggered pass starts at equilibrium with the last pass's
      // damage: a small correction of d_p loads or unloads the pillar
      // from there, at its local stiffness (elastic unloading is stiff
      // even while the step's secant is flat), which the last pass's
      // secant iteration measured.
      if (from_current && local_stiffness != nullptr &&
          std::isfinite(*local_stiffness))
        S = *local_stiffness;
      const double tol = 1e-10 * params.pillar.height() +
                         1e-7 * std::abs(d_machine - machine_displacement_old);
      for (unsigned int it = 0; it < 30; ++it)
      {
        if (std::abs(g0) <= tol)
        {
          d_p             = x0;
          total.converged = true;
          return total;
        }
        // g'(d_p) = 1 + S/k; kept positive (a snap-back is not followed).
        const double slope = std::max(1. + S / k, 0.05);
        const double x1    = x0 - g0 / slope;
        if (params.output.verbose)
          pcout << "    machine spring: punch displacement " << x0
                << " µm, gap " << g0 << " µm, pillar stiffness " << S
                << " µN/µm, next " << x1 << " µm" << std::endl;
        s = solve_step(x1, dt, true);
        total.iterations += s.iterations;
        total.max_solve_iterations =
          std::max(total.max_solve_iterations, s.max_solve_iterations);
        if (!s.converged)
          return s;
        const double g1 = x1 + punch_force() / k - d_machine;
        if (x1 != x0)
        {
          S = k * ((g1 - g0) / (x1 - x0) - 1.);
          if (local_stiffness != nullptr)
            *local_stiffness = S;
          // Kept for the next step only where the force difference is
          // well above the Newton tolerance's noise (a later pass moves
          // the punch by ~1e-9 µm, and S is then noise).
          if (std::isfinite(S) &&
              std::abs(x1 - x0) * k > 100. * params.newton.absolute_tolerance)
            machine_measured_stiffness = S;
        }
        x0 = x1;
        g0 = g1;
      }
      total.reason = "the machine-spring iteration did not converge";
      return total;
    }


    template <typename LA>
    typename PillarSolver<LA>::StepResult
    PillarSolver<LA>::solve_coupled_step(const double d_programme,
                                         const double dt,
                                         double      &d_new)
    {
      const bool machine = params.punch.machine_stiffness > 0.;
      StepResult total;
      // A new attempt: models may fix choices for its Newton solves
      // (Model::start_step; the crystal's "Sub-step rule = per step").
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          const auto &model = *models[cell->material_id()];
          for (auto &p : history.get_data(cell))
            model.start_step(p->new_state);
        }
      d_new = d_programme;
      // The pillar's local stiffness dF/dd_p measured by the last pass's
      // machine-spring iteration (not yet: NaN).
      double local_stiffness = std::numeric_limits<double>::quiet_NaN();
      // The displacement of the last converged pass and its punch
      // displacement, for a pass repeated after a failed solve at an
      // extrapolated damage iterate (Fracture/Staggered acceleration).
      VectorType   last_solution(locally_owned, comm);
      double       last_d_new           = d_new;
      double       last_local_stiffness = local_stiffness;
      unsigned int max_passes           = 1;
      // Fracture/Staggered relaxation: after a pass whose displacement
      // solve failed, the damage iterate is relaxed by omega (halved per
      // failure, doubled back per converged pass; 1: plain).
      const bool relax_on_failure =
        params.fracture.staggered_relaxation == "on failure";
      double omega = 1.;
      for (const auto &field : coupled_fields)
        if (field->staggered())
          max_passes =
            std::max(max_passes, field->maximum_staggered_iterations());
      for (unsigned int pass = 0;; ++pass)
      {
        if (pass > 0)
        {
          last_solution        = solution;
          last_d_new           = d_new;
          last_local_stiffness = local_stiffness;
        }
        // The first pass starts from the predictor, later ones (staggered
        // fields changed what the material points see) from the current
        // iterate; with the machine spring also from the last pass's punch
        // displacement d_new (it was restarted from the predictor and the
        // step's first secant estimate at every pass before 2026-12-03).
        const StepResult s = machine ? solve_step_with_machine(d_programme,
                                                               dt,
                                                               d_new,
                                                               pass > 0,
                                                               &local_stiffness)
                                     : solve_step(d_new, dt, pass > 0);
        total.iterations += s.iterations;
        total.max_solve_iterations =
          std::max(total.max_solve_iterations, s.max_solve_iterations);
        if (!s.converged)
        {
          bool undone = false;
          if (pass > 0)
            for (auto &field : coupled_fields)
              if (field->staggered())
                undone = field->undo_extrapolation() || undone;
          if (undone && pass + 1 < max_passes)
          {
            // Repeat the pass with the plain damage iterate, from the last
            // converged pass's displacement.
            if (params.output.verbose)
              pcout << "  staggered pass " << pass + 1
                    << ": the displacement solve failed at the extrapolated "
                       "iterate ("
                    << s.reason << "); repeated with the plain one"
                    << std::endl;
            solution        = last_solution;
            d_new           = last_d_new;
            local_stiffness = last_local_stiffness;
            continue;
          }
          if (relax_on_failure && pass > 0 && pass + 1 < max_passes &&
              omega > 1. / 64.)
          {
            // Halve the damage step the failed solve saw (the factors
            // compose: relax_iterate() relaxes the current iterate).
            omega /= 2.;
            bool relaxed = false;
            for (auto &field : coupled_fields)
              if (field->staggered())
                relaxed = field->relax_iterate(0.5) || relaxed;
            if (relaxed)
            {
              // Repeat the pass from the last converged pass's
              // displacement, nearer to the damage it converged with.
              if (params.output.verbose)
                pcout << "  staggered pass " << pass + 1
                      << ": the displacement solve failed (" << s.reason
                      << "); repeated with the damage step halved" << std::endl;
              solution        = last_solution;
              d_new           = last_d_new;
              local_stiffness = last_local_stiffness;
              continue;
            }
          }
          total.reason = s.reason;
          return total;
        }
        bool   settled = true, any_staggered = false;
        double largest_change = 0.;
        for (auto &field : coupled_fields)
          if (field->staggered())
          {
            any_staggered = true;
            TimerOutput::Scope t(timer, field->name());
            const double       change = field->update(dt, *quadrature, history);
            largest_change            = std::max(largest_change, change);
            if (params.output.verbose)
              pcout << "  staggered pass " << pass + 1 << ": " << field->name()
                    << " change " << change << " (Newton " << s.iterations
                    << ")" << std::endl;
            if (!(change <= field->staggered_tolerance()))
            {
              settled = false;
              if (pass + 1 >= field->maximum_staggered_iterations())
              {
                total.reason =
                  "the " + field->name() + " field did not settle in " +
                  std::to_string(pass + 1) + " staggered iterations (change " +
                  std::to_string(change) + ")";
                return total;
              }
            }
          }
        if (any_staggered)
          ++n_staggered_iterations;
        if (settled)
          break;
        // The pass after a relaxed one is relaxed as well (then omega grows
        // back), and no update moves d by more than Maximum damage change
        // per pass.
        const double cap = params.fracture.maximum_damage_change_per_pass;
        const double factor =
          std::min(omega, largest_change > cap ? cap / largest_change : 1.);
        if (factor < 1.)
        {
          for (auto &field : coupled_fields)
            if (field->staggered())
              field->relax_iterate(factor);
          if (params.output.verbose)
            pcout << "  staggered pass " << pass + 1
                  << ": damage update relaxed by " << factor << std::endl;
        }
        omega = std::min(1., 2. * omega);
      }
      // Operator-split fields act once on the converged step.
      for (auto &field : coupled_fields)
        if (!field->staggered())
        {
          TimerOutput::Scope t(timer, field->name());
          field->update(dt, *quadrature, history);
        }
      total.converged = true;
      return total;
    }


    template <typename LA>
    void
    PillarSolver<LA>::accept_step()
    {
      solution_older = solution_old;
      solution_old   = solution;
      for (auto &field : coupled_fields)
        field->accept_step();
      for (const auto &cell : triangulation.active_cell_iterators())
        if (cell->is_locally_owned())
          for (auto &p : history.get_data(cell))
            p->old_state = p->new_state;
      accept_contact();
    }


    template <typename LA>
    int
    PillarSolver<LA>::run()
    {
      const bool restart = params.checkpoint.restart;
      if (restart)
      {
        try
        {
          load_checkpoint();
        }
        catch (const std::exception &e)
        {
          // The refused restart, not the killed run before it, is the last
          // word on this output directory.
          if (Utilities::MPI::this_mpi_process(comm) == 0)
            write_status_file(params.output_directory,
                              "stopped: restart refused: " + exception_text(e));
          throw;
        }
      }
      else
      {
        make_grid();
        debug_memory("after the mesh", true);
        setup_system();
        debug_memory("after the matrix and vectors", true);
        initialise_history();
        debug_memory("after the quadrature-point history", true);
        increment = params.time.initial_increment;
      }
      install_signal_handlers();

      const double height = params.pillar.height();
      const double area   = reference_area();
      const double rate   = params.punch.strain_rate;

      std::vector<std::string> extra = {"machine_displacement",
                                        "equivalent_plastic_strain"};
      for (unsigned int k = 0; k < output_names.size(); ++k)
        if (output_averaged[k])
          extra.push_back(output_names[k]);
      const std::size_t n_model_columns = extra.size();
      for (const auto &field : coupled_fields)
        for (const auto &name : field->curve_names())
          extra.push_back(name);
      const bool sliding = params.punch.slide > 0.;
      if (sliding)
        for (const char *name : {"punch_slide", "tangential_force"})
          extra.push_back(name);
      // Newton/Viscous stabilisation: its work and the punch's per step.
      const bool stabilised = params.newton.viscous_stabilisation > 0.;
      if (stabilised)
        for (const char *name : {"stabilisation_work", "external_work"})
          extra.push_back(name);
      output::CurveFile curve(params.output_directory,
                              extra,
                              comm,
                              restart
                                ? checkpoint_directory() + "/stress_strain.csv"
                                : "");
      curve.set_status("running");

      std::vector<double> averages(n_model_columns - 1, 0.), row;
      if (!restart)
      {
        solution_old   = 0.;
        solution_older = 0.;
        row.push_back(0.);
        row.insert(row.end(), averages.begin(), averages.end());
        for (const auto &field : coupled_fields)
          for (unsigned int k = 0; k < field->curve_names().size(); ++k)
            row.push_back(0.);
        if (sliding)
          row.insert(row.end(), {0., 0.});
        if (stabilised)
          row.insert(row.end(), {0., 0.});
        curve.write_row(0, 0., 0., 0., 0., 0., 0, 0., row);
      }

      const double t_load     = punch.loading_end_time();
      const double t_end      = punch.end_time();
      const double time_start = time;
      int          exit_code  = success;
      std::string  stop_reason;
      Timer        wall;

      // Faults (solver/faults.h) end the loop on every rank at once with
      // exit code 4; any other exception may have been thrown on one rank
      // only, while the others wait in a collective call: it ends the run
      // through MPI_Abort (after this rank has written the status).
      try
      {
        while (time < t_end * (1. - 1e-12))
        {
          if (step >= params.time.maximum_steps)
          {
            stop_reason = "Time stepping/Maximum steps (" +
                          std::to_string(params.time.maximum_steps) +
                          ") reached before the end of the load programme";
            exit_code = run_stopped;
            break;
          }
          double dt = increment / rate;
          // land exactly on the load reversal and on the end
          const double t_next_event =
            time < t_load * (1. - 1e-12) ? t_load : t_end;
          if (time + dt > t_next_event * (1. - 1e-9))
            dt = t_next_event - time;
          const double d_programme = punch.displacement(time + dt);
          double       d_new       = d_programme;
          StepResult   s           = solve_coupled_step(d_programme, dt, d_new);
          if (s.converged && params.time.max_jacobian_drop < 1.)
          {
            // Step control: a converged step that collapses a cell.
            std::string  where;
            const double ratio = min_jacobian_ratio(where);
            if (ratio < 1. - params.time.max_jacobian_drop)
            {
              s.converged = false;
              ++n_volume_cutbacks;
              std::ostringstream r;
              r << std::setprecision(3) << "the volume ratio det F of a "
                << "quadrature point fell to " << ratio << " times its "
                << "last converged value in the cell at " << where
                << " (a collapsing cell; Time stepping/Maximum volume loss "
                   "per step = "
                << params.time.max_jacobian_drop << ")";
              s.reason = r.str();
            }
          }
          if (!s.converged)
          {
            increment *= params.time.cutback_factor;
            pcout << "  step " << step + 1 << " failed (" << s.reason
                  << "); cutting the strain increment back to " << increment
                  << std::endl;
            if (increment < params.time.minimum_increment)
            {
              stop_reason = "the strain increment fell below Time "
                            "stepping/Minimum strain increment (" +
                            std::to_string(params.time.minimum_increment) +
                            ") after: " + s.reason;
              exit_code = run_stopped;
              break;
            }
            solution = solution_old;
            for (auto &field : coupled_fields)
              field->reject_step();
            continue;
          }
          double field_change = 0.; // before accept_step(): d - d_old
          if (params.time.target_field_change > 0.)
            for (const auto &field : coupled_fields)
              field_change = std::max(field_change, field->step_change());
          const double step_increment = increment;
          const double step_stabilisation_work =
            stabilised ? stabilisation_work(dt) : 0.;
          accept_step();
          ++step;
          time += dt;
          last_increment     = d_new - displacement_old;
          const double force = punch_force();
          if (last_increment != 0.)
            pillar_stiffness = (force - force_old) / last_increment;
          const double step_external_work =
            0.5 * (force + force_old) * last_increment;
          stabilisation_work_total += step_stabilisation_work;
          external_work_total += step_external_work;
          displacement_old         = d_new;
          machine_displacement_old = d_programme;
          force_old                = force;
          const double strain      = d_new / height;
          const double stress      = force / area;
          volume_averages(averages);
          row.assign(1, d_programme);
          row.push_back(averages[0]); // equivalent plastic strain
          for (unsigned int k = 0; k < output_names.size(); ++k)
            if (output_averaged[k])
              row.push_back(averages[1 + k]);
          for (const auto &field : coupled_fields)
            for (const double v : field->curve_values())
              row.push_back(v);
          if (sliding)
          {
            row.push_back(params.punch.lateral_displacement(d_new, height));
            row.push_back(Utilities::MPI::sum(contact_tangential_local, comm));
          }
          if (stabilised)
          {
            row.push_back(step_stabilisation_work);
            row.push_back(step_external_work);
          }
          collective(comm,
                     "writing " + params.output_directory +
                       "/stress_strain.csv",
                     [&]()
                     {
                       inject_fault("curve", comm, step);
                       curve.write_row(step,
                                       time,
                                       d_new,
                                       force,
                                       strain,
                                       stress,
                                       s.iterations,
                                       dt,
                                       row);
                     });
          for (auto &field : coupled_fields)
            field->converged_step(step, strain);
          pcout << "step " << std::setw(5) << step << "  strain "
                << std::setw(10) << std::setprecision(5) << strain
                << "  stress " << std::setw(10) << std::setprecision(6)
                << stress << " MPa  Newton " << std::setw(2) << s.iterations
                << "  dt " << std::setprecision(4) << dt << " s  elapsed "
                << std::setprecision(4) << wall.wall_time() << " s  left ~"
                << std::setprecision(3)
                << wall.wall_time() / (time - time_start) * (t_end - time)
                << " s" << std::endl;

          const bool last = time >= t_end * (1. - 1e-12);
          if (params.output.field_interval > 0 &&
              (step % params.output.field_interval == 0 || last))
            write_fields(step, strain, stress);
          inject_fault("uncaught", comm, step);

          // Growth from the Newton iterations of one solve (with a machine
          // spring a step is several solves; their sum says nothing about
          // how hard the step was).
          const bool fast =
            s.max_solve_iterations <= params.time.fast_iterations;
          if (params.time.target_field_change > 0. && field_change > 0.)
          {
            // Time stepping/Target damage change per step: size the next
            // step by the damage change of this one.
            const double growth = fast ? params.time.growth_factor : 1.;
            increment           = std::clamp(step_increment *
                                     std::min(params.time.target_field_change /
                                                field_change,
                                              growth),
                                   params.time.minimum_increment,
                                   params.time.maximum_increment);
          }
          else if (fast)
            increment = std::min(increment * params.time.growth_factor,
                                 params.time.maximum_increment);

          const bool interrupted =
            Utilities::MPI::max(stop_signal_received() ? 1 : 0, comm) == 1;
          if (interrupted || (params.checkpoint.interval > 0 &&
                              step % params.checkpoint.interval == 0 && !last))
            write_checkpoint();
          if (interrupted)
          {
            stop_reason = "interrupted by a signal; checkpoint written at "
                          "step " +
                          std::to_string(step) +
                          " (resume with: micropillar FILE.prm --restart)";
            exit_code = run_interrupted;
            break;
          }
          if (params.punch.unload && time > t_load * (1. + 1e-12) &&
              (params.punch.direction == "tension" ? -force : force) <= 0.)
          {
            pcout << "Unloaded: the punch force vanished." << std::endl;
            break;
          }
        }
      }
      catch (const RunFault &e)
      {
        stop_reason = std::string("fault: ") + e.what();
        exit_code   = run_fault;
      }
      catch (const std::exception &e)
      {
        const unsigned int rank = Utilities::MPI::this_mpi_process(comm);
        const std::string  what = exception_text(e);
        stop_reason = "fault on rank " + std::to_string(rank) + ": " + what;
        if (Utilities::MPI::n_mpi_processes(comm) == 1)
          exit_code = run_fault;
        else
        {
          curve.set_status("stopped: " + stop_reason, true);
          std::cerr << "micropillar: error: the run stopped on a " +
                         stop_reason + " (exit code 4)"
                    << std::endl;
          MPI_Abort(comm, run_fault);
        }
      }

      print_run_summary(wall.wall_time());
      if (exit_code == run_interrupted)
      {
        curve.set_status("interrupted: " + stop_reason);
        pcout << "micropillar: " << stop_reason << std::endl;
      }
      else if (exit_code == success)
      {
        curve.set_status("completed");
        pcout << "Run completed: " << step << " steps." << std::endl;
      }
      else if (exit_code == run_fault)
      {
        curve.set_status("stopped: " + stop_reason);
        if (Utilities::MPI::this_mpi_process(comm) == 0)
          std::cerr << "micropillar: error: the run stopped on a "
                    << stop_reason << " (exit code 4; the curve holds the "
                    << step << " converged steps, the last checkpoint is kept)"
                    << std::endl;
      }
      else
      {
        curve.set_status("stopped: " + stop_reason);
        pcout << "micropillar: the run stopped: " << stop_reason
              << ". The curve holds the " << step << " converged steps only."
              << std::endl;
      }
      return exit_code;
    }


  } // namespace solver
} // namespace micropillar

MICROPILLAR_INSTANTIATE_PILLAR_SOLVER
