// PillarSolver: field output (PVTU per step and the fields.pvd time
// series), volume averages for the curve, the run summary.
#include <algorithm>
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/vector.h>
#include <deal.II/numerics/data_out.h>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <micropillar/solver/faults.h>
#include <micropillar/solver/pillar_solver.h>
#include <sstream>
#include <stdexcept>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;


    template <typename LA>
    void
    PillarSolver<LA>::volume_averages(std::vector<double> &values) const
    {
      // [0] equivalent plastic strain, then every model output name: the
      // volume average over the pillar cells (z >= 0, not the base) whose
      // model defines it.
      const unsigned int  n = 1 + output_names.size();
      std::vector<double> sum(2 * n, 0.);
      FEValues<3>         fe_values(*fe, *quadrature, update_JxW_values);
      std::vector<double> out;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned() && cell->center()[2] >= 0.)
        {
          fe_values.reinit(cell);
          const unsigned int mid   = cell->material_id();
          const auto        &model = *models[mid];
          const auto         data  = history.get_data(cell);
          for (unsigned int q = 0; q < quadrature->size(); ++q)
          {
            const double w = fe_values.JxW(q);
            sum[0] += w * model.equivalent_plastic_strain(data[q]->old_state);
            sum[n] += w;
            model.output_values(data[q]->old_state, out);
            for (unsigned int k = 0; k < out.size(); ++k)
            {
              sum[1 + output_map[mid][k]] += w * out[k];
              sum[n + 1 + output_map[mid][k]] += w;
            }
          }
        }
      {
        std::vector<double> global(sum.size());
        Utilities::MPI::sum(ArrayView<const double>(sum),
                            comm,
                            ArrayView<double>(global));
        sum.swap(global);
      }
      values.resize(n);
      for (unsigned int k = 0; k < n; ++k)
        values[k] = sum[n + k] > 0. ? sum[k] / sum[n + k] : 0.;
    }


    template <typename LA>
    void
    PillarSolver<LA>::write_fields(const unsigned int step,
                                   const double       strain,
                                   const double       stress)
    {
      TimerOutput::Scope         t(timer, "output");
      const unsigned int         n_cells = triangulation.n_active_cells();
      const unsigned int         n_out   = output_names.size();
      std::vector<Vector<float>> cell_fields(10 + n_out,
                                             Vector<float>(n_cells));
      FEValues<3>                fe_values(*fe, *quadrature, update_JxW_values);
      std::vector<double>        out;
      for (const auto &cell : dof_handler.active_cell_iterators())
        if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          const unsigned int    index = cell->active_cell_index();
          const unsigned int    mid   = cell->material_id();
          const auto           &model = *models[mid];
          const auto            data  = history.get_data(cell);
          SymmetricTensor<2, 3> sigma;
          double                volume = 0., eqps = 0.;
          std::vector<double>   averages(n_out, 0.);
          for (unsigned int q = 0; q < quadrature->size(); ++q)
          {
            const double w = fe_values.JxW(q);
            volume += w;
            sigma += w * data[q]->cauchy;
            eqps += w * model.equivalent_plastic_strain(data[q]->old_state);
            model.output_values(data[q]->old_state, out);
            for (unsigned int k = 0; k < out.size(); ++k)
              averages[output_map[mid][k]] += w * out[k];
          }
          sigma /= volume;
          const unsigned int c[6][2] = {
            {0, 0}, {1, 1}, {2, 2}, {0, 1}, {0, 2}, {1, 2}};
          for (unsigned int k = 0; k < 6; ++k)
            cell_fields[k][index] = sigma[c[k][0]][c[k][1]];
          const auto s          = deviator(sigma);
          cell_fields[6][index] = std::sqrt(1.5 * (s * s));
          cell_fields[7][index] = eqps / volume;
          cell_fields[8][index] = mid;
          cell_fields[9][index] = triangulation.locally_owned_subdomain();
          for (unsigned int k = 0; k < n_out; ++k)
            cell_fields[10 + k][index] = averages[k] / volume;
        }
      DataOut<3> data_out;
      data_out.attach_dof_handler(dof_handler);
      std::vector<DataComponentInterpretation::DataComponentInterpretation>
        interpretation(
          3, DataComponentInterpretation::component_is_part_of_vector);
      data_out.add_data_vector(solution_old,
                               std::vector<std::string>(3, "displacement"),
                               DataOut<3>::type_dof_data,
                               interpretation);
      const std::vector<std::string> names = {"sigma_xx",
                                              "sigma_yy",
                                              "sigma_zz",
                                              "sigma_xy",
                                              "sigma_xz",
                                              "sigma_yz",
                                              "von_mises",
                                              "equivalent_plastic_strain",
                                              "material_id",
                                              "mpi_rank"};
      for (unsigned int k = 0; k < names.size(); ++k)
        data_out.add_data_vector(cell_fields[k], names[k]);
      for (unsigned int k = 0; k < n_out; ++k)
        data_out.add_data_vector(cell_fields[10 + k], output_names[k]);
      // Punch contact (Coulomb): pressure, contact area and stick/slip.
      std::vector<Vector<float>> contact_fields;
      if (contact_on)
      {
        contact_fields.assign(3, Vector<float>(n_cells));
        contact_cell_fields(contact_fields[0],
                            contact_fields[1],
                            contact_fields[2]);
        data_out.add_data_vector(contact_fields[0], "contact_pressure");
        data_out.add_data_vector(contact_fields[1], "contact_area");
        data_out.add_data_vector(contact_fields[2], "contact_state");
      }
      for (const auto &field : coupled_fields)
        field->add_field_output(data_out);
      data_out.build_patches();

      // The frame's time, step, engineering strain and stress as VTK field
      // data of every piece (TIME and CYCLE by deal.II, the rest added to
      // its FieldData block), so ParaView shows them with the frame.
      DataOutBase::VtkFlags flags;
      flags.time                = time;
      flags.cycle               = step;
      flags.print_date_and_time = false;
      flags.compression_level   = DataOutBase::VtkFlags::best_speed;
      data_out.set_flags(flags);
      const std::string  base = "fields_" + Utilities::int_to_string(step, 5);
      const unsigned int rank = Utilities::MPI::this_mpi_process(comm);
      // File writes only (DataOut above has collective parts): a fault on
      // any rank stops the run on every rank (solver/faults.h).
      collective(
        comm,
        "writing the field output in " + params.output_directory,
        [&]()
        {
          inject_fault("fields", comm, step);
          {
            std::ostringstream piece;
            data_out.write_vtu(piece);
            std::string        text = piece.str();
            std::ostringstream extra;
            extra << std::setprecision(17);
            for (const auto &[name, value] :
                 {std::pair<const char *, double>{"engineering_strain", strain},
                  {"engineering_stress_MPa", stress}})
              extra << "<DataArray type=\"Float64\" Name=\"" << name
                    << "\" NumberOfTuples=\"1\" format=\"ascii\">" << value
                    << "</DataArray>\n";
            const auto end_field = text.find("</FieldData>");
            AssertThrow(end_field != std::string::npos,
                        ExcInternalError(
                          "no FieldData block in deal.II's VTU"));
            text.insert(end_field, extra.str());
            const std::string name = params.output_directory + "/" + base +
                                     "." + Utilities::int_to_string(rank) +
                                     ".vtu";
            std::ofstream out(name);
            out << text;
            out.close();
            AssertThrow(out,
                        ExcMessage("could not write the field file <" + name +
                                   ">"));
          }
          if (rank == 0)
          {
            std::vector<std::string> pieces;
            for (unsigned int r = 0; r < Utilities::MPI::n_mpi_processes(comm);
                 ++r)
              pieces.push_back(base + "." + Utilities::int_to_string(r) +
                               ".vtu");
            std::ofstream out(params.output_directory + "/" + base + ".pvtu");
            data_out.write_pvtu_record(out, pieces);
          }
          field_frames.push_back({time, strain, stress, base + ".pvtu"});
          write_pvd_records();
        });
    }


    template <typename LA>
    void
    PillarSolver<LA>::write_pvd_records() const
    {
      if (Utilities::MPI::this_mpi_process(comm) != 0)
        return;
      std::vector<std::pair<double, std::string>> by_time, by_strain;
      for (const auto &f : field_frames)
      {
        by_time.emplace_back(f.time, f.file);
        by_strain.emplace_back(f.strain, f.file);
      }
      // Written to a temporary file and renamed, so a reader never sees a
      // half-written collection.
      for (const auto &[name, records] :
           {std::pair<std::string,
                      const std::vector<std::pair<double, std::string>> *>{
              "fields.pvd", &by_time},
            {"fields_by_strain.pvd", &by_strain}})
      {
        const std::string path = params.output_directory + "/" + name;
        {
          std::ofstream out(path + ".tmp");
          DataOutBase::write_pvd_record(out, *records);
        }
        std::filesystem::rename(path + ".tmp", path);
      }
    }


    template <typename LA>
    void
    PillarSolver<LA>::print_run_summary(const double wall_time) const
    {
      timer.print_wall_time_statistics(comm);
      {
        // Machine-readable summary for benchmarks/pillar_benchmark.sh.
        const auto times = timer.get_summary_data(TimerOutput::total_wall_time);
        const auto calls = timer.get_summary_data(TimerOutput::n_calls);
        auto       get =
          [](const std::map<std::string, double> &m, const std::string &key)
        {
          const auto it = m.find(key);
          return it == m.end() ? 0. : it->second;
        };
        Utilities::System::MemoryStats mem;
        Utilities::System::get_memory_stats(mem);
        const double rss_mb = mem.VmHWM / 1024.;
        pcout
          << "run_summary: steps=" << step
          << " assemblies=" << get(calls, "assembly")
          << " linear_solves=" << get(calls, "linear solve")
          << " assembly_s=" << Utilities::MPI::max(get(times, "assembly"), comm)
          << " linear_solve_s="
          << Utilities::MPI::max(get(times, "linear solve"), comm)
          << " linear_iterations=" << linear_solver_state.n_krylov_iterations
          << " amg_setups=" << linear_solver_state.n_amg_setups
          << " amg_setup_s="
          << Utilities::MPI::max(linear_solver_state.amg_setup_seconds, comm)
          << " direct_fallbacks=" << n_direct_fallbacks
          << " smoother_fallbacks=" << linear_solver_state.n_smoother_fallbacks
          << " plain_predictors=" << n_plain_predictors
          << " volume_cutbacks=" << n_volume_cutbacks
          << " staggered_iterations=" << n_staggered_iterations;
        // Per coupled field: its updates and their time ("state diffusion"
        // gives state_diffusions= and state_diffusion_s=).
        for (const auto &field : coupled_fields)
        {
          std::string key = field->name();
          std::replace(key.begin(), key.end(), ' ', '_');
          pcout << " " << key << "s=" << get(calls, field->name()) << " " << key
                << "_s="
                << Utilities::MPI::max(get(times, field->name()), comm);
          const std::string extra = field->run_summary();
          if (!extra.empty())
            pcout << " " << extra;
        }
        if (contact_on)
          pcout << " contact_s="
                << Utilities::MPI::max(get(times, "contact"), comm)
                << " contact_points_active="
                << Utilities::MPI::sum(contact_active_local, comm)
                << " contact_points_slipping="
                << Utilities::MPI::sum(contact_slipping_local, comm);
        if (params.newton.viscous_stabilisation > 0.)
          pcout << " stabilisation_work=" << stabilisation_work_total
                << " external_work=" << external_work_total;
        pcout << " wall_s=" << wall_time
              << " peak_rss_mb_max_rank=" << Utilities::MPI::max(rss_mb, comm)
              << " peak_rss_mb_total=" << Utilities::MPI::sum(rss_mb, comm)
              << std::endl;
      }
    }


  } // namespace solver
} // namespace micropillar

MICROPILLAR_INSTANTIATE_PILLAR_SOLVER
