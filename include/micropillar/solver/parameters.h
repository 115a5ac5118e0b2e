// Run parameters of a pillar test: one small struct per prm subsection with
// declare_parameters / parse_parameters (as in deal.II step-44), and
// RunParameters, which declares the whole file (including the geometry and
// every registered constitutive model) and checks the cross-entry rules.
#ifndef micropillar_solver_parameters_h
#define micropillar_solver_parameters_h

#include <deal.II/base/parameter_handler.h>
#include <map>
#include <micropillar/geometry/pillar.h>
#include <micropillar/loading/punch.h>
#include <micropillar/solver/fracture_parameters.h>
#include <string>
#include <utility>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    /// subsection "Finite element"
    struct FiniteElementParameters
    {
      /// "Q1", "Q1 F-bar" or "Q2".
      std::string  formulation        = "Q1 F-bar";
      unsigned int global_refinements = 0;
      /// "Plain Q1 materials": materials whose cells use plain Q1 (full
      /// integration, no F-bar) in a Q1 F-bar run; empty: none.
      std::vector<std::string> plain_q1_materials;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    /// subsection "Time stepping": adaptive strain increments.
    struct TimeSteppingParameters
    {
      double       initial_increment = 1e-3; // engineering strain
      double       minimum_increment = 1e-6;
      double       maximum_increment = 5e-3;
      double       growth_factor     = 1.5;
      double       cutback_factor    = 0.5;
      unsigned int fast_iterations   = 4;
      unsigned int maximum_steps     = 100000;
      double       max_jacobian_drop = 0.5;
      /// Target damage change per step (0: off): after a converged step
      /// whose coupled fields changed by c (CoupledField::step_change(),
      /// the damage field's max |d - d_old|), the next increment is the
      /// step's times min(target / c, growth) (growth: Growth factor if the
      /// step was fast, else 1), at least Minimum strain increment.
      double target_field_change = 0.;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    /// subsection "Newton"
    struct NewtonParameters
    {
      unsigned int max_iterations        = 15;
      double       relative_tolerance    = 1e-8;
      double       absolute_tolerance    = 1e-9; // µN
      bool         line_search           = true;
      unsigned int max_line_search_steps = 5;
      /// Fail the attempt (cut back) when the residual has not halved over
      /// this many Newton iterations (0: never; the attempt runs to
      /// max_iterations).
      unsigned int stagnation_iterations = 0;
      /// Material fallbacks in line search = last trial only: the trials
      /// before the last evaluate the materials with
      /// constitutive::trial_evaluation() set.
      bool quick_trials = false;
      /// Viscous stabilisation nu [MPa s/µm^2] (0: off): a nodal dashpot
      /// force nu m_i (u_i - u_i,n)/dt on every free DoF i, m_i the lumped
      /// reference volume of its node (int N_i dV), u_n the last converged
      /// step. Numerical, not physics: for nearly free parts (a split-off
      /// piece held by friction) that a quasi-static Newton cannot follow;
      /// its work is reported (stress_strain.csv, run summary).
      double viscous_stabilisation = 0.;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    /// subsection "Linear solver"
    struct LinearSolverParameters
    {
      /// "PETSc" or "Trilinos".
      std::string package = "Trilinos";
      /// "AMG" (GMRES preconditioned by BoomerAMG with PETSc, ML with
      /// Trilinos) or "direct" (MUMPS with PETSc, Amesos MUMPS with
      /// Trilinos).
      std::string  method             = "AMG";
      double       relative_tolerance = 1e-8;
      unsigned int max_iterations     = 1000;
      /// Retry a failed AMG/GMRES solve with the direct solver.
      bool direct_fallback = true;
      /// ML aggregation threshold and smoother (Trilinos AMG only).
      double      aggregation_threshold = 1e-3;
      std::string smoother              = "Chebyshev";
      /// ML smoother of a second try when GMRES with 'smoother' failed on a
      /// fresh hierarchy ("none": no second try). Once it has solved a
      /// system the run keeps it (see linear_solver.h).
      std::string fallback_smoother = "none";
      /// ML smoother sweeps (the polynomial degree for Chebyshev).
      unsigned int smoother_sweeps = 2;
      /// Ifpack overlap of the ML smoother's subdomains (0: rank-local
      /// blocks; 1: each rank's block extended by one layer of the
      /// neighbours' rows, so ILU couples across rank boundaries).
      unsigned int smoother_overlap = 0;
      /// Solves served by one ML hierarchy before it is rebuilt (1: a new
      /// hierarchy for every solve). See linear_solver.h for the other
      /// rebuild triggers.
      unsigned int amg_setup_reuse = 1;
      /// Eisenstat-Walker forcing: the Krylov tolerance of each Newton
      /// iteration follows the Newton contraction (loose far from the
      /// solution, relative_tolerance at most near it). Off: the fixed
      /// relative_tolerance for every solve.
      bool adaptive_tolerance = false;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    /// subsection "Output"
    struct OutputParameters
    {
      /// Write PVTU fields every this many converged steps (0: never; the
      /// last step is always written when > 0).
      unsigned int field_interval = 0;
      /// Print the Newton residuals of every iteration.
      bool verbose = false;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    /// subsection "Checkpoint"
    struct CheckpointParameters
    {
      /// Write a checkpoint every this many converged steps (0: only on
      /// SIGTERM/SIGINT).
      unsigned int interval = 0;
      /// Resume from Output directory/checkpoint (also: --restart).
      bool restart = false;

      static void
      declare_parameters(dealii::ParameterHandler &prm);
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    /// (material name, model name) pairs, in material-id order.
    using MaterialList = std::vector<std::pair<std::string, std::string>>;

    /// subsection "Materials": one constitutive model per named material;
    /// the material id is the position in the list. Each material has its
    /// own subsection "Materials/<name>" with its model's entries, so the
    /// file is read in two passes (read_parameter_file()).
    struct MaterialParameters
    {
      MaterialList materials;

      std::map<std::string, unsigned int>
      ids() const;

      /// Declare "Materials/Models" and one subsection per material of
      /// @p list with the entries of its model.
      static void
      declare_parameters(dealii::ParameterHandler &prm,
                         const MaterialList       &list);
      void
      parse_parameters(dealii::ParameterHandler &prm);
      /// Parse only the list in "Materials/Models" (checked).
      static MaterialList
      parse_list(const std::string &value);
    };

    struct RunParameters
    {
      std::string              output_directory = "output";
      geometry::Pillar         pillar;
      MaterialParameters       materials;
      FiniteElementParameters  fe;
      loading::PunchParameters punch;
      TimeSteppingParameters   time;
      NewtonParameters         newton;
      LinearSolverParameters   linear_solver;
      OutputParameters         output;
      CheckpointParameters     checkpoint;
      FractureParameters       fracture;

      /// Declare every entry of a run, including the geometry and, for each
      /// material of @p list, the entries of its model.
      static void
      declare_parameters(dealii::ParameterHandler &prm,
                         const MaterialList       &list);

      /// The material list that shows every registered model once (used by
      /// --print-parameters): "<model>: <model>" for each model.
      static MaterialList
      all_models_list();

      /// Parse everything; throws ExcMessage naming the entry and value on
      /// inconsistent input.
      void
      parse_parameters(dealii::ParameterHandler &prm);
    };

    /// One 'set' line of a parameter file, as scan_parameter_file() saw it.
    struct SetLine
    {
      /// Entry path as the user wrote it, subsections joined by '/':
      /// "Geometry/Height".
      std::string path;
      /// The value, trimmed (as deal.II's ParameterHandler reads it).
      std::string value;
      /// File and logical line number (the first physical line of a line
      /// continued with '\'), for messages.
      std::string  file;
      unsigned int line = 0;

      /// "FILE, line N".
      std::string
      where() const;
    };

    /// The text of a parameter file and every entry it sets (INCLUDEd
    /// files followed), from a light scan that mirrors deal.II's
    /// ParameterHandler::parse_input(): '\' at the end of a line joins the
    /// next one, '#' starts a comment, 'subsection NAME' / 'end' nest,
    /// 'set NAME = VALUE' sets, 'INCLUDE FILE' reads FILE (relative to the
    /// working directory) at the current subsection.
    struct ParameterFileScan
    {
      /// The main file's text, a leading UTF-8 byte-order mark removed.
      std::string text;
      /// Every 'set' line in reading order (included files in place).
      std::vector<SetLine> entries;
    };

    /// Scan @p filename and refuse, with one ExcMessage naming the file (and
    /// line), what deal.II would crash on or silently accept: a path that is
    /// missing or a directory, a file that is not text (NUL bytes), an
    /// INCLUDE that includes itself (directly or through other files: deal.II
    /// recurses until the stack overflows) or a missing INCLUDE, a file that
    /// sets no entry, and an entry set twice with different values (deal.II
    /// keeps the last one silently; the same value twice is accepted). A
    /// UTF-8 byte-order mark at the start of @p filename is stripped from
    /// text; in an INCLUDEd file (which deal.II reads itself) it is refused.
    ParameterFileScan
    scan_parameter_file(const std::string &filename);

    /// Check every entry of @p scan against the entries declared in @p prm,
    /// before deal.II parses the file: an undeclared entry or subsection, a
    /// value that does not match the entry's pattern, and, in an entry whose
    /// pattern is a Double or a list of Doubles, a number that is not finite
    /// (inf, nan) or outside the range of a double (1e999, 1e-999). Throws
    /// one ExcMessage naming the entry by its full path, the value, the file
    /// and line.
    void
    check_entries(const ParameterFileScan &scan, dealii::ParameterHandler &prm);

    /// Walk every entry of @p prm (set or default) whose pattern is a Double
    /// or a list of Doubles and refuse a value that is not a finite double,
    /// naming its full path ("Materials/glass/Young's modulus = inf").
    void
    check_finite_entries(dealii::ParameterHandler &prm);

    /// Upper bounds of the mesh size, checked before anything is built
    /// (see RunParameters::parse_parameters and geometry::Pillar).
    constexpr double max_active_cells = 5e7;

    /// Read @p filename in two passes (first the material list, then every
    /// entry, strictly: unknown entries are errors) into @p prm and
    /// @p params.
    void
    read_parameter_file(const std::string        &filename,
                        dealii::ParameterHandler &prm,
                        RunParameters            &params);
  } // namespace solver
} // namespace micropillar

#endif
