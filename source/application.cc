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
    // --check: build the models and the coarse mesh, run nothing.
    int
    check_only(const solver::RunParameters &params,
               dealii::ParameterHandler    &prm,
               const std::string           &filename,
               const bool                   root)
    {
      prm.enter_subsection("Materials");
      for (const auto &m : params.materials.materials)
      {
        prm.enter_subsection(m.first);
        constitutive::Registry::create(m.second, prm);
        prm.leave_subsection();
      }
      prm.leave_subsection();
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
      if (root)
        std::cout << filename << ": OK (" << params.materials.materials.size()
                  << " material(s), coarse mesh of " << tria.n_active_cells()
                  << " cells)" << std::endl;
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
      const bool restart = argc == 3 && std::string(argv[2]) == "--restart";
      const bool check   = argc == 3 && std::string(argv[2]) == "--check";
      if (argc != 2 && !restart && !check)
      {
        if (root)
          std::cerr << usage;
        return solver::input_error;
      }
      const std::string arg = argv[1];
      if (arg == "--help" || arg == "-h")
      {
        if (root)
          std::cout << usage;
        return solver::success;
      }
      if (arg == "--print-parameters")
      {
        // One material per registered model, so that every entry shows.
        dealii::ParameterHandler prm;
        solver::RunParameters::declare_parameters(
          prm, solver::RunParameters::all_models_list());
        if (root)
          prm.print_parameters(std::cout, dealii::ParameterHandler::PRM);
        return solver::success;
      }
      if (!arg.empty() && arg[0] == '-')
      {
        if (root)
          std::cerr << "micropillar: error: unknown option " << arg << "\n"
                    << usage;
        return solver::input_error;
      }
      AssertThrow(std::filesystem::is_regular_file(arg),
                  dealii::ExcMessage("parameter file <" + arg + "> not found"));
      dealii::ParameterHandler prm;
      solver::RunParameters    params;
      solver::read_parameter_file(arg, prm, params);
      if (restart)
        params.checkpoint.restart = true;
      if (check)
        return check_only(params, prm, arg, root);
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
