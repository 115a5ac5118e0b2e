// PillarSolver: checkpoint and restart (deal.II's parallel serialisation
// of the mesh, the solution vectors and the point histories; see
// docs/solver.md "Checkpoint and restart").
//
// A checkpoint directory holds, besides deal.II's files (mesh*), state.txt
// (time stepping), field_frames.txt (fields.pvd), stress_strain.csv (the
// curve so far), fingerprint.txt (the entries a restart may not change, see
// restart_fingerprint()) and manifest.txt, written last: the size and a
// 64-bit FNV-1a checksum of every other file. A restart first checks the
// manifest (every file present, of its size and checksum) and the
// fingerprint against the prm file, and refuses, with exit code 1 and the
// damaged file or the differing entry named, before deal.II reads
// anything: a checkpoint of another mesh made SolutionTransfer segfault, a
// truncated p4est file made p4est abort, and a changed taper resumed
// silently on another geometry.
#include <algorithm>
#include <cmath>
#include <deal.II/base/mpi.h>
#include <deal.II/distributed/solution_transfer.h>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <micropillar/output/curve_file.h>
#include <micropillar/solver/faults.h>
#include <micropillar/solver/pillar_solver.h>
#include <set>
#include <sstream>

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
    std::vector<std::string>
    PillarSolver<LA>::restart_fingerprint(ParameterHandler &prm) const
    {
      // Every entry that defines the mesh, the element, the materials and
      // their state layout, or the constraint set, as "Path/Entry = value".
      // Entries outside this list may change on a restart (target strain,
      // strain rate, time stepping, Newton, linear solver, output,
      // checkpoint interval, machine stiffness, unloading).
      std::ostringstream text;
      prm.print_parameters(text, ParameterHandler::ShortPRM);
      std::vector<std::string> path, lines;
      std::istringstream       in(text.str());
      for (std::string line; std::getline(in, line);)
      {
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#')
          continue;
        line = line.substr(first);
        if (line.rfind("subsection ", 0) == 0)
          path.push_back(line.substr(11));
        else if (line == "end")
        {
          if (!path.empty())
            path.pop_back();
        }
        else if (line.rfind("set ", 0) == 0 && !path.empty())
        {
          const auto  eq   = line.find('=');
          std::string name = line.substr(4, eq - 4);
          std::string value =
            eq == std::string::npos ? "" : line.substr(eq + 1);
          auto trim = [](std::string &x)
          {
            const auto a = x.find_first_not_of(" \t");
            const auto b = x.find_last_not_of(" \t");
            x            = a == std::string::npos ? "" : x.substr(a, b - a + 1);
          };
          trim(name);
          trim(value);
          std::string full;
          for (const auto &p : path)
            full += p + "/";
          full += name;
          if (path[0] == "Geometry" || path[0] == "Finite element" ||
              path[0] == "Materials" || full == "Loading/Punch contact" ||
              full == "Fracture/Model" || full == "Fracture/Energy split" ||
              full == "Fracture/Regularisation length" ||
              full == "Fracture/Critical energy release rate" ||
              full == "Fracture/Residual stiffness" ||
              full == "Fracture/Plastic work fraction" ||
              full == "Fracture/Plastic work threshold" ||
              full == "Loading/Bottom support" ||
              full == "Loading/Contact search depth" ||
              full == "Loading/Punch slide" ||
              full == "Loading/Punch slide start")
            lines.push_back(full + " = " + value);
        }
      }
      // The state layout the code derives from them.
      std::string sizes;
      for (const auto &m : models)
        sizes += (sizes.empty() ? "" : ",") + std::to_string(m->n_state());
      lines.push_back("(state sizes per material) = " + sizes);
      lines.push_back("(quadrature points per cell) = " +
                      std::to_string(quadrature->size()));
      return lines;
    }


    namespace
    {
      // The files of a checkpoint directory, except the manifest.
      std::vector<std::string>
      checkpoint_files(const std::string &dir)
      {
        std::vector<std::string> names;
        for (const auto &entry : std::filesystem::directory_iterator(dir))
          if (entry.is_regular_file() &&
              entry.path().filename() != "manifest.txt")
            names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
      }

      // Empty if the manifest of @p dir matches its files, else what is
      // wrong.
      std::string
      verify_manifest(const std::string &dir)
      {
        std::ifstream manifest(dir + "/manifest.txt");
        if (!manifest)
          return "<" + dir +
                 "/manifest.txt> is missing (the checkpoint is incomplete, "
                 "or was written by a micropillar without checksums)";
        std::set<std::string> listed;
        std::string           name;
        std::uint64_t         size, hash;
        while (manifest >> name >> size >> std::hex >> hash >> std::dec)
        {
          listed.insert(name);
          const std::string path = dir + "/" + name;
          if (!std::filesystem::is_regular_file(path))
            return "<" + path + "> is missing";
          try
          {
            const auto [h, n] = file_checksum(path);
            if (n != size)
              return "<" + path + "> has " + std::to_string(n) +
                     " bytes, the manifest says " + std::to_string(size) +
                     " (truncated or overwritten)";
            if (h != hash)
              return "<" + path +
                     "> does not match its checksum in the manifest "
                     "(corrupted)";
          }
          catch (const std::exception &e)
          {
            return e.what();
          }
        }
        if (!manifest.eof())
          return "<" + dir + "/manifest.txt> is unreadable";
        if (listed.count("state.txt") == 0 || listed.count("mesh") == 0)
          return "<" + dir + "/manifest.txt> lists no state.txt or mesh";
        return "";
      }
    } // namespace


    template <typename LA>
    void
    PillarSolver<LA>::write_checkpoint()
    {
      TimerOutput::Scope t(timer, "checkpoint");
      namespace fs          = std::filesystem;
      const std::string dir = checkpoint_directory();
      const std::string tmp = dir + ".tmp", old = dir + ".old";
      const bool        root = Utilities::MPI::this_mpi_process(comm) == 0;
      // A fault in any part below stops the run (RunFault on every rank)
      // and leaves the last complete checkpoint in place: the new one is
      // only renamed into place once all of it has been written.
      collective(comm,
                 "writing a checkpoint in <" + tmp + ">",
                 [&]()
                 {
                   inject_fault("checkpoint", comm, step);
                   if (root)
                   {
                     fs::remove_all(tmp);
                     fs::create_directories(tmp);
                     std::ofstream probe(tmp + "/state.txt");
                     if (!probe)
                       throw std::runtime_error("cannot write in <" + tmp +
                                                ">");
                   }
                 });

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
          // old_state of every point, then its coupled-field values
          const auto points = history.get_data(cell);
          for (const auto &p : points)
            states.push_back(p->old_state);
          for (const auto &p : points)
            states.push_back(p->field_old);
          // Coulomb contact: (in contact, anchor x, anchor y) per contact
          // point of the cell (empty for a cell without candidate faces).
          if (contact_on)
          {
            std::vector<double> c;
            if (const auto data = contact_history.try_get_data(cell))
              for (const auto &s : (*data)[0]->points)
              {
                c.push_back(s.in_contact_old ? 1. : 0.);
                c.push_back(s.anchor_old[0]);
                c.push_back(s.anchor_old[1]);
              }
            states.push_back(c);
          }
          return Utilities::pack(states, false);
        },
        /*returns_variable_size_data=*/true);
      for (auto &field : coupled_fields)
        field->prepare_checkpoint();
      triangulation.save(tmp + "/mesh");

      collective(comm,
                 "writing a checkpoint in <" + tmp + ">",
                 [&]()
                 {
                   if (!root)
                     return;
                   auto write = [&](const std::string &name, const auto &body)
                   {
                     std::ofstream out(tmp + "/" + name);
                     out << std::setprecision(17);
                     body(out);
                     out.close();
                     if (!out)
                       throw std::runtime_error("cannot write <" + tmp + "/" +
                                                name + ">");
                   };
                   write("state.txt",
                         [&](std::ostream &out)
                         {
                           out << step << ' ' << time << ' ' << increment << ' '
                               << displacement_old << ' '
                               << machine_displacement_old << ' ' << force_old
                               << ' ' << pillar_stiffness << ' '
                               << last_increment << ' '
                               << std::isfinite(machine_measured_stiffness)
                               << ' '
                               << (std::isfinite(machine_measured_stiffness)
                                     ? machine_measured_stiffness
                                     : 0.)
                               << '\n';
                         });
                   // The field outputs so far (fields.pvd is rebuilt from
                   // them).
                   write("field_frames.txt",
                         [&](std::ostream &out)
                         {
                           for (const auto &f : field_frames)
                             out << f.time << ' ' << f.strain << ' ' << f.stress
                                 << ' ' << f.file << '\n';
                         });
                   write("fingerprint.txt",
                         [&](std::ostream &out)
                         {
                           for (const auto &line : fingerprint)
                             out << line << '\n';
                         });
                   fs::copy_file(params.output_directory + "/stress_strain.csv",
                                 tmp + "/stress_strain.csv");
                   // Last: the manifest of everything above.
                   write("manifest.txt",
                         [&](std::ostream &out)
                         {
                           for (const auto &name : checkpoint_files(tmp))
                           {
                             const auto [hash, size] =
                               file_checksum(tmp + "/" + name);
                             out << name << ' ' << size << ' ' << std::hex
                                 << hash << std::dec << '\n';
                           }
                         });
                   // Swap in the new checkpoint; between the two renames the
                   // old one is still complete as checkpoint.old.
                   fs::remove_all(old);
                   if (fs::exists(dir))
                     fs::rename(dir, old);
                   fs::rename(tmp, dir);
                   fs::remove_all(old);
                 });
    }


    template <typename LA>
    void
    PillarSolver<LA>::load_checkpoint()
    {
      namespace fs    = std::filesystem;
      std::string dir = checkpoint_directory();
      if (!fs::exists(dir + "/manifest.txt") &&
          fs::exists(dir + ".old/manifest.txt"))
        dir += ".old"; // killed between the renames
      // Rank 0 checks the files and the fingerprint; every rank throws the
      // same message (exit 1: the checkpoint does not fit this prm file).
      std::string error;
      if (Utilities::MPI::this_mpi_process(comm) == 0)
      {
        if (!fs::is_directory(dir))
          error = "no checkpoint in <" + checkpoint_directory() +
                  "> (Output directory = " + params.output_directory + ")";
        else
          error = verify_manifest(dir);
        if (error.empty())
        {
          std::ifstream            in(dir + "/fingerprint.txt");
          std::vector<std::string> saved;
          for (std::string line; std::getline(in, line);)
            saved.push_back(line);
          auto entry = [](const std::string &line)
          { return line.substr(0, line.find(" = ")); };
          std::map<std::string, std::string> now, then;
          for (const auto &l : fingerprint)
            now[entry(l)] = l;
          for (const auto &l : saved)
            then[entry(l)] = l;
          for (const auto &[name, line] : then)
            if (now.count(name) == 0 || now[name] != line)
            {
              error = "the checkpoint was written with " + line +
                      (now.count(name) ? "; this prm file has " + now[name]
                                       : "; this prm file has no such entry") +
                      " (the mesh, element, materials and constraints may not "
                      "change on a restart)";
              break;
            }
          if (error.empty())
            for (const auto &[name, line] : now)
              if (then.count(name) == 0)
              {
                error = "this prm file sets " + line +
                        ", which the checkpoint does not have";
                break;
              }
        }
      }
      error = Utilities::MPI::broadcast(comm, error, 0);
      AssertThrow(error.empty(),
                  ExcMessage("Checkpoint/Restart: " + error + "."));
      {
        std::ifstream state(dir + "/state.txt");
        state >> step >> time >> increment >> displacement_old >>
          machine_displacement_old >> force_old >> pillar_stiffness >>
          last_increment;
        AssertThrow(state,
                    ExcMessage("Checkpoint file <" + dir +
                               "/state.txt> is unreadable."));
        // The measured machine-spring stiffness (absent in checkpoints
        // written before 2026-12-04: not measured).
        bool   measured = false;
        double S        = 0.;
        machine_measured_stiffness =
          state >> measured >> S && measured
            ? S
            : std::numeric_limits<double>::quiet_NaN();
      }
      field_frames.clear();
      {
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
          auto        points = history.get_data(cell);
          const auto &model  = *models[cell->material_id()];
          AssertThrow(states.size() == 2 * points.size() + (contact_on ? 1 : 0),
                      ExcMessage("Checkpoint: quadrature data do not match "
                                 "the element of this prm file."));
          for (unsigned int q = 0; q < points.size(); ++q)
            AssertThrow(states[q].size() == model.n_state() &&
                          states[points.size() + q].size() ==
                            points[q]->field_old.size(),
                        ExcMessage("Checkpoint: the point data do not match "
                                   "the materials and fields of this prm "
                                   "file."));
          for (unsigned int q = 0; q < points.size(); ++q)
          {
            points[q]->old_state = states[q];
            points[q]->new_state = states[q];
            points[q]->field_old = states[points.size() + q];
            points[q]->field_new = states[points.size() + q];
          }
          if (contact_on)
          {
            const auto       &c    = states.back();
            const auto        data = contact_history.try_get_data(cell);
            const std::size_t n =
              data ? (*data)[0]->points.size() : std::size_t(0);
            AssertThrow(c.size() == 3 * n,
                        ExcMessage("Checkpoint: the contact points do not "
                                   "match the contact entries of this prm "
                                   "file."));
            for (std::size_t k = 0; k < n; ++k)
            {
              auto &s          = (*data)[0]->points[k];
              s.in_contact_old = c[3 * k] > 0.5;
              s.anchor_old     = {{c[3 * k + 1], c[3 * k + 2]}};
              s.in_contact_new = s.in_contact_old;
              s.anchor_new     = s.anchor_old;
            }
          }
        });
      for (auto &field : coupled_fields)
        field->load_checkpoint();
      // Frames a killed run wrote after the checkpoint leave the series.
      collective(comm,
                 "rewriting " + params.output_directory + "/fields.pvd",
                 [&]() { write_pvd_records(); });
      pcout << "Restarted from " << checkpoint_directory() << " at step "
            << step << ", strain " << displacement_old / params.pillar.height()
            << std::endl;
    }


  } // namespace solver
} // namespace micropillar

MICROPILLAR_INSTANTIATE_PILLAR_SOLVER
