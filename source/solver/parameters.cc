#include <algorithm>
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/patterns.h>
#include <deal.II/base/utilities.h>
#include <filesystem>
#include <fstream>
#include <micropillar/constitutive/registry.h>
#include <micropillar/solver/parameters.h>
#include <set>
#include <sstream>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;

    namespace
    {
      std::string
      num(const double x, const int precision = 10)
      {
        std::ostringstream s;
        s.precision(precision);
        s << x;
        return s.str();
      }
    } // namespace

    void
    FiniteElementParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Finite element");
      prm.declare_entry(
        "Formulation",
        "Q1 F-bar",
        Patterns::Selection("Q1|Q1 F-bar|Q2"),
        "Displacement element: Q1 (trilinear, full integration: locks under "
        "isochoric plastic flow), Q1 F-bar (trilinear with the volumetric "
        "part of F taken at the cell centre, de Souza Neto et al. 1996: "
        "locking-free), or Q2 (triquadratic, 3x3x3 Gauss).");
      prm.declare_entry(
        "Plain Q1 materials",
        "",
        Patterns::Anything(),
        "With Formulation = Q1 F-bar: a comma-separated list of materials "
        "(names of Materials/Models) whose cells use plain Q1 (full "
        "integration, no F-bar), the others keeping F-bar. For thin layers "
        "of a softening, dilatant material (the 12 nm glass of the resolved "
        "laminate), where F-bar's cell-centre volume lets one corner of a "
        "one-cell-thick layer collapse (docs/contact.md). Empty (default): "
        "none, every cell F-bar.");
      prm.declare_entry("Global refinements",
                        "0",
                        Patterns::Integer(0, 6),
                        "Uniform refinements of the coarse pillar mesh (each "
                        "halves the cell size in every direction).");
      prm.leave_subsection();
    }

    void
    FiniteElementParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Finite element");
      formulation        = prm.get("Formulation");
      global_refinements = prm.get_integer("Global refinements");
      plain_q1_materials.clear();
      for (const std::string &name :
           Utilities::split_string_list(prm.get("Plain Q1 materials"), ','))
        if (!Utilities::trim(name).empty())
          plain_q1_materials.push_back(Utilities::trim(name));
      prm.leave_subsection();
    }

    void
    TimeSteppingParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Time stepping");
      prm.declare_entry("Initial strain increment",
                        "1e-3",
                        Patterns::Double(1e-12),
                        "Engineering-strain increment of the first step [-] "
                        "(time step = increment / strain rate).");
      prm.declare_entry("Minimum strain increment",
                        "1e-6",
                        Patterns::Double(1e-14),
                        "The run stops with a message when a step must be cut "
                        "below this increment [-].");
      prm.declare_entry("Maximum strain increment",
                        "5e-3",
                        Patterns::Double(1e-12),
                        "Upper bound of the adaptive increment [-].");
      prm.declare_entry("Growth factor",
                        "1.5",
                        Patterns::Double(1.),
                        "Factor on the increment after a step that converged "
                        "in at most 'Fast Newton iterations' iterations.");
      prm.declare_entry("Cutback factor",
                        "0.5",
                        Patterns::Double(0.01, 0.99),
                        "Factor on the increment after a failed step.");
      prm.declare_entry("Fast Newton iterations",
                        "4",
                        Patterns::Integer(1),
                        "A step converging in this many iterations or fewer "
                        "lets the increment grow (with a machine spring: "
                        "in each of the step's Newton solves).");
      prm.declare_entry("Maximum steps",
                        "100000",
                        Patterns::Integer(1),
                        "Stop (as a failure) after this many converged steps.");
      prm.declare_entry(
        "Maximum volume loss per step",
        "0.5",
        Patterns::Double(0., 1.),
        "A converged step in which the volume ratio J = det F of some "
        "quadrature point falls below (1 - this) times its value at the "
        "last converged step is cut back like a failed one: a cell that "
        "collapses (at the punch edge) is followed with smaller steps "
        "before it inverts, and the run stops naming the cell if it keeps "
        "collapsing at the minimum increment. 0.5 (default) never acts on "
        "a crystal, glass or J2 point away from a collapsing cell (their "
        "per-step volume changes are ~1e-3); 1 switches the check off.");
      prm.declare_entry(
        "Target damage change per step",
        "0",
        Patterns::Double(0., 1.),
        "Step control by the damage field (Fracture): after a converged "
        "step in which the damage d changed by c at some node (max |d - "
        "d_old|), the next strain increment is this step's times "
        "min(target / c, g), with g = Growth factor after a fast step "
        "(see Fast Newton iterations) and 1 otherwise; never below Minimum "
        "strain increment. With Fracture/Viscosity > 0 a step's damage "
        "change scales with its time step, so the steps shrink while a "
        "crack runs and grow back once it has stopped. The rule only sizes "
        "the next step; no converged step is rejected. 0 (default): off, "
        "the increment follows the Newton iterations only.");
      prm.leave_subsection();
    }

    void
    TimeSteppingParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Time stepping");
      initial_increment   = prm.get_double("Initial strain increment");
      minimum_increment   = prm.get_double("Minimum strain increment");
      maximum_increment   = prm.get_double("Maximum strain increment");
      growth_factor       = prm.get_double("Growth factor");
      cutback_factor      = prm.get_double("Cutback factor");
      fast_iterations     = prm.get_integer("Fast Newton iterations");
      maximum_steps       = prm.get_integer("Maximum steps");
      max_jacobian_drop   = prm.get_double("Maximum volume loss per step");
      target_field_change = prm.get_double("Target damage change per step");
      prm.leave_subsection();
      AssertThrow(minimum_increment <= initial_increment &&
                    initial_increment <= maximum_increment,
                  ExcMessage("Time stepping: need Minimum strain increment (" +
                             std::to_string(minimum_increment) +
                             ") <= Initial strain increment (" +
                             std::to_string(initial_increment) +
                             ") <= Maximum strain increment (" +
                             std::to_string(maximum_increment) + ")."));
    }

    void
    NewtonParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Newton");
      prm.declare_entry("Maximum iterations",
                        "15",
                        Patterns::Integer(1),
                        "Newton iterations before a step counts as failed and "
                        "is cut back.");
      prm.declare_entry(
        "Relative tolerance",
        "1e-8",
        Patterns::Double(0.),
        "Converged when the l2 norm of the residual on the free DoFs is below "
        "this times the l2 norm of the reaction forces on the constrained "
        "DoFs [-] (or below the absolute tolerance).");
      prm.declare_entry("Absolute tolerance",
                        "1e-9",
                        Patterns::Double(0.),
                        "Absolute residual tolerance [µN].");
      prm.declare_entry("Line search",
                        "true",
                        Patterns::Bool(),
                        "Backtracking line search on the residual norm.");
      prm.declare_entry("Maximum line search steps",
                        "5",
                        Patterns::Integer(0, 20),
                        "Halvings of the Newton step before the smallest one "
                        "is accepted.");
      prm.declare_entry(
        "Stagnation iterations",
        "0",
        Patterns::Integer(0),
        "If > 0: a step attempt whose free residual norm has not fallen "
        "below half its value of this many Newton iterations before counts "
        "as failed at once and is cut back, instead of running to 'Maximum "
        "iterations' (converging Newton iterations halve it every "
        "iteration). 0: off.");
      prm.declare_entry(
        "Material fallbacks in line search",
        "all",
        Patterns::Selection("all|last trial only"),
        "all (default): every line-search trial evaluates each material "
        "point with all its fallback integrations. last trial only: the "
        "trials before the last (Maximum line search steps) skip the costly "
        "fallbacks of a point that fails its plain attempts (the "
        "homogenised laminate's held sub-step counts, restart from the last "
        "iterate and continuation in the increment, up to ~1 s per point) "
        "and count as failed, so the step is halved at once; the last trial "
        "and every full assembly use them all. A point that converges "
        "without its fallbacks gives the same result either way: only "
        "which trial steps are accepted changes, not what counts as "
        "converged. For the wild trial states of a softening pillar's "
        "Newton (issue 13, docs/fracture.md).");
      prm.declare_entry(
        "Viscous stabilisation",
        "0",
        Patterns::Double(0.),
        "Numerical damping, off at 0 (the default) [MPa s/µm^2]: every free "
        "displacement DoF i gets the dashpot force nu m_i (u_i - u_i,n)/dt, "
        "m_i = int N_i dV the lumped reference volume of its node, u_n the "
        "last converged step, dt the step's time increment (the automatic "
        "stabilisation of commercial implicit codes). Not physics: it lets "
        "the quasi-static Newton follow a part that has become nearly free "
        "(a piece split off by a crack, held only by friction), which "
        "otherwise makes the tangent nearly singular. A bar compressed at the "
        "loading rate carries an extra punch stress nu * strain rate * H^2 / 3 "
        "(nu = 100, 5e-3 /s, H = 2.4 µm: 0.96 MPa). Its work per step is "
        "written to "
        "stress_strain.csv (column stabilisation_work, µN µm = pJ) next to "
        "the step's external work (external_work), and summed in the run "
        "summary: compare the two before trusting a curve (issue 13, "
        "docs/fracture.md 'Past the first drop').");
      prm.leave_subsection();
    }

    void
    NewtonParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Newton");
      max_iterations        = prm.get_integer("Maximum iterations");
      relative_tolerance    = prm.get_double("Relative tolerance");
      absolute_tolerance    = prm.get_double("Absolute tolerance");
      line_search           = prm.get_bool("Line search");
      max_line_search_steps = prm.get_integer("Maximum line search steps");
      stagnation_iterations = prm.get_integer("Stagnation iterations");
      quick_trials =
        prm.get("Material fallbacks in line search") == "last trial only";
      viscous_stabilisation = prm.get_double("Viscous stabilisation");
      prm.leave_subsection();
      // A tolerance >= 1 would accept the predictor (a residual as large as
      // the reaction) as converged, 0 would never converge on the relative
      // criterion.
      AssertThrow(relative_tolerance > 0. && relative_tolerance < 1.,
                  ExcMessage(
                    "Newton/Relative tolerance = " + num(relative_tolerance) +
                    ": must lie in (0, 1) (e.g. 1e-8): a step "
                    "converges when |residual| < tolerance * "
                    "|reaction|."));
    }

    void
    LinearSolverParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Linear solver");
      prm.declare_entry("Package",
                        "Trilinos",
                        Patterns::Selection("PETSc|Trilinos"),
                        "Linear-algebra package for the matrix, vectors and "
                        "solvers.");
      prm.declare_entry(
        "Method",
        "AMG",
        Patterns::Selection("AMG|direct"),
        "AMG: GMRES preconditioned by algebraic multigrid (BoomerAMG with "
        "PETSc, ML with Trilinos); direct: sparse direct solver (MUMPS with "
        "PETSc, Amesos MUMPS with Trilinos), for small problems.");
      prm.declare_entry("Relative tolerance",
                        "1e-8",
                        Patterns::Double(0.),
                        "Relative residual tolerance of the Krylov solver.");
      prm.declare_entry("Maximum iterations",
                        "1000",
                        Patterns::Integer(1),
                        "Krylov iterations before the Krylov solve counts as "
                        "failed.");
      prm.declare_entry(
        "AMG aggregation threshold",
        "1e-3",
        Patterns::Double(0., 1.),
        "ML (Trilinos) only: connections weaker than this fraction of the "
        "strongest are dropped when aggregating. Thin-layer meshes (cells "
        "much flatter than wide) need a larger value (e.g. 0.02-0.1), so "
        "that aggregates follow the strong through-thickness couplings "
        "(semi-coarsening).");
      prm.declare_entry(
        "AMG smoother",
        "Chebyshev",
        Patterns::Selection("Chebyshev|symmetric Gauss-Seidel|ILU"),
        "ML (Trilinos) only: smoother on every level ('AMG smoother "
        "sweeps').");
      prm.declare_entry(
        "AMG fallback smoother",
        "none",
        Patterns::Selection("none|Chebyshev|symmetric Gauss-Seidel|ILU"),
        "ML (Trilinos) only: when GMRES with 'AMG smoother' fails on a "
        "freshly built hierarchy, build one with this smoother and solve "
        "the same system again before the direct fallback. Once this "
        "smoother has solved a system, the run keeps it for every later "
        "hierarchy (after a restart the first failure switches again). "
        "Counted as smoother_fallbacks in the run summary. Use: ILU is the "
        "cheapest smoother of the resolved laminate before yield, but "
        "after yield GMRES with ILU stalls on more than one rank, where "
        "symmetric Gauss-Seidel converges (docs/performance.md). none: no "
        "second try.");
      prm.declare_entry(
        "AMG smoother sweeps",
        "2",
        Patterns::Integer(1, 10),
        "ML (Trilinos) only: smoother sweeps per level (for Chebyshev: "
        "the polynomial degree).");
      prm.declare_entry(
        "AMG smoother overlap",
        "0",
        Patterns::Integer(0, 4),
        "ML (Trilinos) only: overlap of the smoother's subdomains (Ifpack "
        "additive Schwarz) for ILU and symmetric Gauss-Seidel: 0 keeps "
        "each rank's smoother local to its own rows (block Jacobi "
        "between ranks); 1 extends each rank's block by the rows of its "
        "neighbours one matrix connection away, so the smoother couples "
        "across rank boundaries (no effect on one rank).");
      prm.declare_entry(
        "AMG setup reuse",
        "1",
        Patterns::Integer(1, 1000),
        "ML (Trilinos) only: linear solves served by one AMG hierarchy "
        "before it is built again from the current tangent (1: a new "
        "hierarchy for every solve). It is also rebuilt when a solve with "
        "it needs more than 1.5x (+5) the iterations of its first solve, "
        "when a solve with it fails (that system is then solved again with "
        "a fresh hierarchy) and when the sparsity changes.");
      prm.declare_entry(
        "Adaptive tolerance",
        "false",
        Patterns::Bool(),
        "With Method = AMG: Eisenstat-Walker forcing (choice 2, gamma = "
        "0.9, exponent 2): the relative Krylov tolerance of each Newton "
        "iteration is 0.9 (|R_k|/|R_k-1|)^2 (0.1 in the first iteration; "
        "safeguarded, at most 0.1), never below 'Relative tolerance' nor "
        "below half the Newton tolerance over |R_k| (no solve tighter than "
        "the Newton tolerance needs). Converged steps still meet the "
        "Newton tolerance on the true residual. false: 'Relative "
        "tolerance' for every solve.");
      prm.declare_entry(
        "Direct fallback",
        "true",
        Patterns::Bool(),
        "With Method = AMG: if the Krylov solve fails (e.g. an indefinite "
        "tangent in a softening shear band), solve the same system once "
        "with the direct solver before the Newton step counts as failed. "
        "Each fallback is counted in the run summary.");
      prm.leave_subsection();
    }

    void
    LinearSolverParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Linear solver");
      package               = prm.get("Package");
      method                = prm.get("Method");
      relative_tolerance    = prm.get_double("Relative tolerance");
      max_iterations        = prm.get_integer("Maximum iterations");
      direct_fallback       = prm.get_bool("Direct fallback");
      aggregation_threshold = prm.get_double("AMG aggregation threshold");
      smoother              = prm.get("AMG smoother");
      fallback_smoother     = prm.get("AMG fallback smoother");
      smoother_sweeps       = prm.get_integer("AMG smoother sweeps");
      smoother_overlap      = prm.get_integer("AMG smoother overlap");
      amg_setup_reuse       = prm.get_integer("AMG setup reuse");
      adaptive_tolerance    = prm.get_bool("Adaptive tolerance");
      prm.leave_subsection();
      AssertThrow(relative_tolerance > 0. && relative_tolerance < 1.,
                  ExcMessage("Linear solver/Relative tolerance = " +
                             num(relative_tolerance) +
                             ": must lie in (0, 1) (e.g. 1e-8)."));
      AssertThrow(fallback_smoother != smoother,
                  ExcMessage("Linear solver/AMG fallback smoother = " +
                             fallback_smoother +
                             ": equals AMG smoother; give another smoother "
                             "or none."));
    }

    void
    OutputParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Output");
      prm.declare_entry("Field output interval",
                        "0",
                        Patterns::Integer(0),
                        "Write PVTU fields every this many converged steps "
                        "(and at the last step); 0 writes none.");
      prm.declare_entry("Verbose",
                        "false",
                        Patterns::Bool(),
                        "Print the residual of every Newton iteration.");
      prm.leave_subsection();
    }

    void
    OutputParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Output");
      field_interval = prm.get_integer("Field output interval");
      verbose        = prm.get_bool("Verbose");
      prm.leave_subsection();
    }

    void
    CheckpointParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Checkpoint");
      prm.declare_entry(
        "Interval",
        "0",
        Patterns::Integer(0),
        "Write a checkpoint (mesh, solution, every quadrature-point state, "
        "time-step state, curve so far) to Output directory/checkpoint every "
        "this many converged steps; 0: only when SIGTERM or SIGINT arrives "
        "(the run then stops after the current step with exit code 3).");
      prm.declare_entry("Restart",
                        "false",
                        Patterns::Bool(),
                        "Resume from Output directory/checkpoint (same as "
                        "the command-line option --restart). The number of "
                        "MPI ranks may differ from the run that wrote it.");
      prm.leave_subsection();
    }

    void
    CheckpointParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Checkpoint");
      interval = prm.get_integer("Interval");
      restart  = prm.get_bool("Restart");
      prm.leave_subsection();
    }

    std::map<std::string, unsigned int>
    MaterialParameters::ids() const
    {
      std::map<std::string, unsigned int> result;
      for (unsigned int i = 0; i < materials.size(); ++i)
        result[materials[i].first] = i;
      return result;
    }

    void
    MaterialParameters::declare_parameters(ParameterHandler   &prm,
                                           const MaterialList &list)
    {
      prm.enter_subsection("Materials");
      for (const auto &m : list)
      {
        prm.enter_subsection(m.first);
        constitutive::Registry::declare_parameters(m.second, prm);
        prm.leave_subsection();
      }
      prm.declare_entry(
        "Models",
        "pillar: neo-Hookean",
        Patterns::Anything(),
        "Comma-separated list of 'material name: model name'. The material "
        "id of a material is its position in this list (0, 1, ...); the "
        "geometry's layer stack refers to the names, a Gmsh mesh to the ids "
        "(physical volume tags). Models: " +
          constitutive::Registry::selection_pattern() +
          ". Each material reads its model's parameters from its own "
          "subsection Materials/<material name>.");
      prm.leave_subsection();
    }

    void
    MaterialParameters::parse_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Materials");
      const std::string value = prm.get("Models");
      prm.leave_subsection();
      materials = parse_list(value);
    }

    MaterialList
    MaterialParameters::parse_list(const std::string &value)
    {
      MaterialList materials;
      for (const std::string &item : Utilities::split_string_list(value, ','))
      {
        const auto colon = item.find(':');
        AssertThrow(colon != std::string::npos,
                    ExcMessage("Materials/Models = " + value + ": item <" +
                               item +
                               "> must read 'material name: model name'."));
        const std::string name  = Utilities::trim(item.substr(0, colon));
        const std::string model = Utilities::trim(item.substr(colon + 1));
        AssertThrow(!name.empty(),
                    ExcMessage("Materials/Models = " + value +
                               ": empty material name in <" + item + ">."));
        AssertThrow(constitutive::Registry::has(model),
                    ExcMessage("Materials/Models = " + value +
                               ": unknown model <" + model +
                               "> for material <" + name + ">. Valid models: " +
                               constitutive::Registry::selection_pattern()));
        for (const auto &m : materials)
          AssertThrow(m.first != name,
                      ExcMessage("Materials/Models = " + value +
                                 ": material <" + name + "> appears twice."));
        materials.emplace_back(name, model);
      }
      AssertThrow(!materials.empty(),
                  ExcMessage("Materials/Models is empty: give at least one "
                             "'material name: model name'."));
      return materials;
    }

    MaterialList
    RunParameters::all_models_list()
    {
      MaterialList list;
      for (const auto &name : constitutive::Registry::names())
        list.emplace_back(name, name);
      return list;
    }

    void
    RunParameters::declare_parameters(ParameterHandler   &prm,
                                      const MaterialList &list)
    {
      prm.declare_entry("Output directory",
                        "output",
                        Patterns::FileName(Patterns::FileName::output),
                        "Directory for stress_strain.csv, the PVTU fields "
                        "and run_status.txt; created if missing.");
      prm.enter_subsection("Geometry");
      geometry::Pillar::declare_parameters(prm);
      prm.leave_subsection();
      MaterialParameters::declare_parameters(prm, list);
      FiniteElementParameters::declare_parameters(prm);
      prm.enter_subsection("Loading");
      loading::PunchParameters::declare_parameters(prm);
      prm.leave_subsection();
      TimeSteppingParameters::declare_parameters(prm);
      NewtonParameters::declare_parameters(prm);
      LinearSolverParameters::declare_parameters(prm);
      OutputParameters::declare_parameters(prm);
      CheckpointParameters::declare_parameters(prm);
      FractureParameters::declare_parameters(prm);
    }

    void
    RunParameters::parse_parameters(ParameterHandler &prm)
    {
      output_directory = prm.get("Output directory");
      AssertThrow(!output_directory.empty(),
                  ExcMessage("Output directory is empty."));
      materials.parse_parameters(prm);
      prm.enter_subsection("Geometry");
      pillar.parse_parameters(prm, materials.ids());
      prm.leave_subsection();
      fe.parse_parameters(prm);
      if (!fe.plain_q1_materials.empty())
      {
        std::string list;
        for (const auto &n : fe.plain_q1_materials)
          list += (list.empty() ? "" : ", ") + n;
        AssertThrow(fe.formulation == "Q1 F-bar",
                    ExcMessage("Finite element/Plain Q1 materials = " + list +
                               " needs Finite element/Formulation = Q1 F-bar "
                               "(it is " +
                               fe.formulation +
                               "): it switches F-bar off in those "
                               "materials' cells."));
        const auto known = materials.ids();
        for (const auto &n : fe.plain_q1_materials)
          AssertThrow(known.count(n) > 0,
                      ExcMessage("Finite element/Plain Q1 materials = " + list +
                                 ": <" + n +
                                 "> is not a material of Materials/Models."));
      }
      {
        // The solver refines the coarse mesh globally: 8^r cells per cell.
        const double coarse = pillar.coarse_cell_estimate();
        const double active =
          coarse * std::pow(8., static_cast<double>(fe.global_refinements));
        AssertThrow(active <= max_active_cells,
                    ExcMessage(
                      "Finite element/Global refinements = " +
                      std::to_string(fe.global_refinements) +
                      " on a coarse mesh of " + pillar.coarse_cell_summary() +
                      " gives about " + num(active, 3) +
                      " cells, more than micropillar's bound of " +
                      num(max_active_cells, 2) +
                      " cells (memory of about 10 kB per cell). Use fewer "
                      "refinements or a coarser geometry."));
      }
      prm.enter_subsection("Loading");
      punch.parse_parameters(prm);
      prm.leave_subsection();
      time.parse_parameters(prm);
      newton.parse_parameters(prm);
      linear_solver.parse_parameters(prm);
      output.parse_parameters(prm);
      checkpoint.parse_parameters(prm);
      {
        std::vector<std::string> names;
        for (const auto &m : materials.materials)
          names.push_back(m.first);
        fracture.parse_parameters(prm, names);
      }
    }
  } // namespace solver
} // namespace micropillar
