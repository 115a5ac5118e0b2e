// PillarSolver: checkpoint and restart (deal.II's parallel serialisation
// of the mesh, the solution vectors and the point histories; see README
// "Checkpoint and restart").
#include <deal.II/base/mpi.h>
#include <deal.II/distributed/solution_transfer.h>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <micropillar/output/curve_file.h>
#include <micropillar/solver/pillar_solver.h>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;


    template <typename LA>
    std::string
    PillarSolver<LA>::checkpoint_directory() const
    {
      return params.output_directory + "/checkpoint";
    }


    template <typename LA>
    void
    PillarSolver<LA>::write_checkpoint()
    {
      TimerOutput::Scope t(timer, "checkpoint");
      namespace fs          = std::filesystem;
      const std::string dir = checkpoint_directory();
      const std::string tmp = dir + ".tmp", old = dir + ".old";
      const bool        root = Utilities::MPI::this_mpi_process(comm) == 0;
      if (root)
      {
        fs::remove_all(tmp);
        fs::create_directories(tmp);
      }
      MPI_Barrier(comm);

      // Vectors, through deal.II's parallel serialisation.
      VectorType older(locally_owned, locally_relevant, comm);
      older = solution_older;
      parallel::distributed::SolutionTransfer<3, VectorType> transfer(
        dof_handler);
      transfer.prepare_for_serialization(
        std::vector<const VectorType *>{&solution_old, &older});
      // Point histories (the converged "old" states), per cell.
      triangulation.register_data_attach(
        [this](const typename Triangulation<3>::cell_iterator &cell,
               const auto /*status*/)
        {
          std::vector<std::vector<double>> states;
          for (const auto &p : history.get_data(cell))
            states.push_back(p->old_state);
          return Utilities::pack(states, false);
        },
        /*returns_variable_size_data=*/true);
      for (auto &field : coupled_fields)
        field->prepare_checkpoint();
      triangulation.save(tmp + "/mesh");

      if (root)
      {
        std::ofstream state(tmp + "/state.txt");
        state << std::setprecision(17) << step << ' ' << time << ' '
              << increment << ' ' << displacement_old << ' '
              << machine_displacement_old << ' ' << force_old << ' '
              << pillar_stiffness << ' ' << last_increment << '\n';
        state.close();
        // The field outputs so far (fields.pvd is rebuilt from them).
        std::ofstream frames(tmp + "/field_frames.txt");
        frames << std::setprecision(17);
        for (const auto &f : field_frames)
          frames << f.time << ' ' << f.strain << ' ' << f.stress << ' '
                 << f.file << '\n';
        frames.close();
        fs::copy_file(params.output_directory + "/stress_strain.csv",
                      tmp + "/stress_strain.csv");
        // Swap in the new checkpoint; between the two renames the old
        // one is still complete as checkpoint.old.
        fs::remove_all(old);
        if (fs::exists(dir))
          fs::rename(dir, old);
        fs::rename(tmp, dir);
        fs::remove_all(old);
      }
      MPI_Barrier(comm);
    }


    template <typename LA>
    void
    PillarSolver<LA>::load_checkpoint()
    {
      namespace fs    = std::filesystem;
      std::string dir = checkpoint_directory();
      if (!fs::exists(dir + "/state.txt") && fs::exists(dir + ".old/state.txt"))
        dir += ".old"; // killed between the renames
      AssertThrow(fs::exists(dir + "/state.txt"),
                  ExcMessage("Checkpoint/Restart: no checkpoint in <" +
                             checkpoint_directory() + "> (Output directory = " +
                             params.output_directory + ")."));
      {
        std::ifstream state(dir + "/state.txt");
        state >> step >> time >> increment >> displacement_old >>
          machine_displacement_old >> force_old >> pillar_stiffness >>
          last_increment;
        AssertThrow(state,
                    ExcMessage("Checkpoint file <" + dir +
                               "/state.txt> is unreadable."));
      }
      field_frames.clear();
      {
        // Absent in checkpoints written before fields.pvd existed.
        std::ifstream frames(dir + "/field_frames.txt");
        FieldFrame    f;
        while (frames >> f.time >> f.strain >> f.stress >> f.file)
          field_frames.push_back(f);
      }
      if (dir != checkpoint_directory() &&
          Utilities::MPI::this_mpi_process(comm) == 0)
        fs::rename(dir, checkpoint_directory());
      MPI_Barrier(comm);

      params.pillar.create_triangulation(triangulation);
      triangulation.load(checkpoint_directory() + "/mesh");
      check_material_ids();
      setup_system();
      initialise_history();

      VectorType old_owned(locally_owned, comm),
        older_owned(locally_owned, comm);
      parallel::distributed::SolutionTransfer<3, VectorType> transfer(
        dof_handler);
      std::vector<VectorType *> vectors = {&old_owned, &older_owned};
      transfer.deserialize(vectors);
      solution_old   = old_owned;
      solution       = old_owned;
      solution_older = older_owned;

      const unsigned int handle = triangulation.register_data_attach(
        [](const typename Triangulation<3>::cell_iterator &, const auto)
        { return std::vector<char>(); },
        true);
      triangulation.notify_ready_to_unpack(
        handle,
        [this](const typename Triangulation<3>::cell_iterator &cell,
               const auto /*status*/,
               const auto &data)
        {
          const auto states =
            Utilities::unpack<std::vector<std::vector<double>>>(data.begin(),
                                                                data.end(),
                                                                false);
          auto points = history.get_data(cell);
          AssertThrow(states.size() == points.size(),
                      ExcMessage("Checkpoint: quadrature data do not match "
                                 "the element of this prm file."));
          for (unsigned int q = 0; q < points.size(); ++q)
          {
            points[q]->old_state = states[q];
            points[q]->new_state = states[q];
          }
        });
      for (auto &field : coupled_fields)
        field->load_checkpoint();
      // Frames a killed run wrote after the checkpoint leave the series.
      write_pvd_records();
      pcout << "Restarted from " << checkpoint_directory() << " at step "
            << step << ", strain " << displacement_old / params.pillar.height()
            << std::endl;
    }


  } // namespace solver
} // namespace micropillar

MICROPILLAR_INSTANTIATE_PILLAR_SOLVER
