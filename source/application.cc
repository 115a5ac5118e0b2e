#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/grid/tria.h>
#include <filesystem>
#include <iostream>
#include <micropillar/application.h>
#include <micropillar/constitutive/registry.h>
#include <micropillar/solver/parameters.h>
#include <micropillar/solver/pillar_solver.h>
#include <sstream>
#include <string>
#include <vector>

namespace micropillar
{
  namespace
  {
    const char *usage =
      "usage: micropillar FILE.prm          run the pillar test in FILE.prm\n"
      "       micropillar FILE.prm --restart  resume it from its checkpoint\n"
      "       micropillar FILE.prm --check    read and check FILE.prm, build\n"
      "                                       the models and the coarse mesh,\n"
      "                                       run nothing\n"
      "       micropillar --print-parameters  print every entry with its\n"
      "                                       documentation and default\n"
      "       micropillar --help\n";

    // The "Additional information" of a deal.II exception, without the
    // file/line banner meant for programmers.
    std::string
    message_of(const dealii::ExceptionBase &e)
    {
      std::ostringstream s;
      e.print_info(s);
      std::string        m      = s.str();
      const std::string  prefix = "    ";
      std::string        out;
      std::istringstream lines(m);
      for (std::string line; std::getline(lines, line);)
      {
        const auto first = line.find_first_not_of(' ');
        if (first == std::string::npos)
          continue;
        out += (out.empty() ? "" : " ") + line.substr(first);
      }
      return out;
    }
  } // namespace

  namespace
  {
    // Build the models and the serial coarse mesh (and throw, naming the
    // entries, if either fails) before the solver allocates anything or
    // writes any output; returns the number of coarse cells.
    unsigned int
    preflight(const solver::RunParameters &params,
              dealii::ParameterHandler    &prm)
    {
      constitutive::create_models(params.materials.materials, prm);
      dealii::Triangulation<3> tria;
      params.pillar.create_triangulation(tria);
      unsigned int max_id = 0;
      for (const auto &cell : tria.active_cell_iterators())
        max_id = std::max<unsigned int>(max_id, cell->material_id());
      AssertThrow(max_id < params.materials.materials.size(),
                  dealii::ExcMessage(
                    "The mesh has material id " + std::to_string(max_id) +
                    " but Materials/Models names only " +
                    std::to_string(params.materials.materials.size()) +
                    " material(s)."));
      return tria.n_active_cells();
    }

    // --check: preflight(), run nothing.
    int
    check_only(const solver::RunParameters &params,
               dealii::ParameterHandler    &prm,
               const std::string           &filename,
               const bool                   root)
    {
      const unsigned int n_cells = preflight(params, prm);
      if (root)
        std::cout << filename << ": OK (" << params.materials.materials.size()
                  << " material(s), coarse mesh of " << n_cells << " cells)"
                  << std::endl;
      return solver::success;
    }
  } // namespace

  int
  run_application(int argc, char **argv)
  {
    const MPI_Comm comm = MPI_COMM_WORLD;
    const bool     root = dealii::Utilities::MPI::this_mpi_process(comm) == 0;
    try
    {
      // Options anywhere on the line, exactly one parameter file.
      bool                     restart = false, check = false;
      bool                     help = false, print = false;
      std::vector<std::string> files;
      for (int i = 1; i < argc; ++i)
      {
        const std::string a = argv[i];
        if (a == "--restart")
          restart = true;
        else if (a == "--check")
          check = true;
        else if (a == "--help" || a == "-h")
          help = true;
        else if (a == "--print-parameters")
          print = true;
        else if (!a.empty() && a[0] == '-')
        {
          if (root)
            std::cerr << "micropillar: error: unknown option " << a
                      << " (options: --restart, --check, --print-parameters, "
                         "--help)"
                      << std::endl;
          return solver::input_error;
        }
        else
          files.push_back(a);
      }
      if (help)
      {
        if (root)
          std::cout << usage;
        return solver::success;
      }
      if (print)
      {
        AssertThrow(files.empty() && !restart && !check,
                    dealii::ExcMessage(
                      "--print-parameters takes no parameter file and no "
                      "other option"));
        // One material per registered model, so that every entry shows.
        dealii::ParameterHandler prm;
        solver::RunParameters::declare_parameters(
          prm, solver::RunParameters::all_models_list());
        if (root)
          prm.print_parameters(std::cout, dealii::ParameterHandler::PRM);
        return solver::success;
      }
      if (files.size() != 1)
      {
        if (root)
        {
          if (files.empty())
            std::cerr << "micropillar: error: no parameter file given\n";
          else
            std::cerr << "micropillar: error: more than one parameter file: "
                      << files[0] << ", " << files[1] << "\n";
          std::cerr << usage;
        }
        return solver::input_error;
      }
      AssertThrow(!(restart && check),
                  dealii::ExcMessage("--restart and --check exclude each "
                                     "other"));
      const std::string        arg = files[0];
      dealii::ParameterHandler prm;
      solver::RunParameters    params;
      solver::read_parameter_file(arg, prm, params);
      if (restart)
        params.checkpoint.restart = true;
      if (check)
        return check_only(params, prm, arg, root);
      preflight(params, prm);
      if (root)
        std::cout << "micropillar: " << arg << " -> " << params.output_directory
                  << std::endl;
      return solver::run_pillar(params, prm, comm);
    }
    catch (const dealii::ExceptionBase &e)
    {
      if (root)
        std::cerr << "micropillar: error: " << message_of(e) << std::endl;
      return solver::input_error;
    }
    catch (const std::exception &e)
    {
      if (root)
        std::cerr << "micropillar: error: " << e.what() << std::endl;
      return solver::input_error;
    }
  }
} // namespace micropillar
