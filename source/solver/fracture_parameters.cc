#include <cmath>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/utilities.h>
#include <micropillar/solver/fracture_parameters.h>
#include <sstream>

namespace micropillar
{
  namespace solver
  {
    using namespace dealii;

    void
    FractureParameters::declare_parameters(ParameterHandler &prm)
    {
      prm.enter_subsection("Fracture");
      prm.declare_entry("Model",
                        "none",
                        Patterns::Selection("none|AT1|AT2"),
                        "Phase-field fracture: none (off), AT1 (elastic up to "
                        "a threshold, peak stress sqrt(3 E Gc / (8 l))) or "
                        "AT2 (damage from the first load, peak stress (9/16) "
                        "sqrt(E Gc / (3 l))). Crack driving force: the tensile "
                        "part of the elastic energy (Amor volumetric-"
                        "deviatoric split by default, see Energy split), "
                        "irreversible through its history maximum at each "
                        "point.");
      prm.declare_entry(
        "Energy split",
        "volumetric-deviatoric",
        Patterns::Selection("volumetric-deviatoric|spectral|orthogonal"),
        "Which part of the effective stress the damage degrades and which "
        "elastic energy drives it: volumetric-deviatoric (Amor, Marigo & "
        "Maurini 2009: a compressed volume keeps its bulk stress, the "
        "deviatoric stress is degraded), spectral (Miehe, Welschinger & "
        "Hofacker 2010: only the stretched principal directions of the "
        "isotropic elastic strain are degraded; uniaxial compression keeps "
        "its axial stress; for an anisotropic crystal its isotropic strain "
        "is not the crystal's, and the degraded stress is not the "
        "derivative of an energy) or orthogonal (Nguyen, Yvonnet, Waldmann "
        "& He 2020: the principal values of C^-1/2 : tau with C the point's "
        "own elastic stiffness, the crystal's rotated lattice stiffness at "
        "the step's start: energy-consistent for anisotropic crystals, and "
        "splits axially like spectral; constitutive/phase_field.h).");
      prm.declare_entry("Regularisation length",
                        "0.05",
                        Patterns::Double(0.),
                        "Regularisation length l of the damage field [µm]: "
                        "the width of a smeared crack is a few l; resolve it "
                        "with cells of l/2 or smaller.");
      prm.declare_entry(
        "Critical energy release rate",
        "",
        Patterns::Anything(),
        "Gc per material as 'material: value, ...' [MPa µm = J/m^2]. A "
        "material not listed never cracks (e.g. the base). A homogenised "
        "laminate is degraded as a whole (its mixture stress) when it is "
        "named, or per phase when its phases are named instead, "
        "'material/crystal: value' and/or 'material/glass: value': one damage "
        "d per point degrades each named phase's own tensile part (with its "
        "own moduli and the Energy split) inside the point before the "
        "laminate's traction continuity is solved; driving force sum f_k "
        "psi+_k and toughness sum f_k Gc_k over the named phases (f_k volume "
        "fractions). Per phase needs Plastic work fraction = 0.");
      prm.declare_entry("Residual stiffness",
                        "1e-6",
                        Patterns::Double(0.),
                        "k in g(d) = (1 - k)(1 - d)^2 + k: the stiffness a "
                        "fully broken point keeps [-].");
      prm.declare_entry("Staggered tolerance",
                        "1e-4",
                        Patterns::Double(0.),
                        "The staggered loop of a step (displacement solve, "
                        "damage solve, ...) ends when no nodal damage value "
                        "changed by more than this in the last damage "
                        "solve [-].");
      prm.declare_entry("Maximum staggered iterations",
                        "100",
                        Patterns::Integer(1),
                        "A step whose staggered loop has not settled after "
                        "this many passes is cut back.");
      prm.declare_entry(
        "Staggered acceleration",
        "none",
        Patterns::Selection("none|anderson"),
        "none (default): each staggered pass solves the displacement with "
        "the damage of the last damage solve (alternate minimisation, "
        "linear convergence). anderson: the damage the next pass's "
        "displacement solve sees is extrapolated from the last passes by "
        "Anderson acceleration (depth: Anderson depth; Storvik et al. 2021, "
        "CMAME 381) and projected on the admissible set (AT1: last step's "
        "d <= d <= 1; AT2: 0 <= d <= 1); the history restarts when an "
        "extrapolated iterate does not reduce the damage change, and a pass "
        "whose displacement solve fails at an extrapolated iterate is "
        "repeated with the plain one. The stopping test is the plain one "
        "(Staggered tolerance: the damage solve after a converged "
        "displacement solve changed no nodal d by more than it), and the "
        "accepted d is that damage solve's, not an extrapolation. Caveat: "
        "it can converge to an unstable state the plain loop leaves (a "
        "snapping homogeneous bar), so a drop can come later "
        "(docs/fracture.md).");
      prm.declare_entry(
        "Staggered relaxation",
        "none",
        Patterns::Selection("none|on failure"),
        "none (default): a staggered pass whose displacement solve fails "
        "cuts the step back. on failure: the pass is repeated from the last "
        "converged pass's displacement and the damage step it saw halved, "
        "d = x + (d - x)/2 (x: the damage the last damage solve started "
        "from). A factor omega (1 at the step's start) halves at each such "
        "failure and doubles (to at most 1) at each converged pass; while "
        "it is below 1 the next damage updates are relaxed by it as well, "
        "d = x + omega (G(x) - x); a failure at omega = 1/64 cuts the step "
        "back. The fixed point and "
        "the stopping test (Staggered tolerance on the plain damage solve's "
        "change) are unchanged; only the path inside the step differs. For "
        "an unstable crack behind the machine spring, whose damage change "
        "per pass grows until a displacement solve cannot follow it "
        "(docs/fracture.md). Steps that converge without a failed pass are "
        "identical to none.");
      prm.declare_entry(
        "Maximum damage change per pass",
        "1",
        Patterns::Double(0.),
        "c: a damage update of the staggered loop whose largest nodal change "
        "exceeds c is relaxed, d = x + (c / change) (G(x) - x), so that "
        "no displacement solve of the step sees d move by more than c at "
        "a node. The stopping test (Staggered tolerance on the plain "
        "update's change) and so the step's converged d are unchanged; "
        "only the path inside the step is. For an unstable crack behind "
        "the machine spring, whose damage change per pass grows (0.01 -> "
        "0.3 within ~20 passes) until the pillar's Newton cannot follow "
        "the spring's release (docs/fracture.md). 1 (default): off [-].");
      prm.declare_entry(
        "Viscosity",
        "0",
        Patterns::Double(0.),
        "eta: viscous regularisation of the damage evolution (Miehe, "
        "Welschinger & Hofacker 2010, IJNME 83, their eq. for the "
        "rate-dependent phase field): eta dd/dt = (the driving force) - "
        "(the crack resistance), discretised backward Euler as the term "
        "eta (d - d_old)/dt added to the damage equation (lumped with AT1, "
        "consistent with AT2). The damage of a step then moves at most "
        "~dt (driving force excess)/eta, so an unstable crack behind the "
        "machine spring runs over several steps, which shrink through the "
        "drop, instead of snapping inside one step; the stable curve "
        "approaches the rate-independent one as the relaxation time "
        "eta l/Gc falls below the loading time. A rate effect, not a "
        "numerical device: state its value and its relaxation time "
        "eta l/Gc next to the strain rate, and show the curve against "
        "eta/2. May change on a restart (like the strain rate). 0 "
        "(default): rate independent [MPa s].");
      prm.declare_entry("Anderson depth",
                        "5",
                        Patterns::Integer(1, 50),
                        "m: the number of past passes Anderson acceleration "
                        "combines (with Staggered acceleration = anderson).");
      prm.declare_entry(
        "Initial crack",
        "",
        Patterns::Anything(),
        "Pre-cracks as segments 'x0, y0, z0, x1, y1, z1' [µm], several "
        "separated by ';' (empty: none). Every point of a cracking material "
        "within l/2 of a segment starts with the history H = 1e3 Gc/l, so "
        "d ~ 1 there from the start and stays (irreversibility). In a "
        "plane-strain strip the distance ignores y (a crack through the "
        "thickness).");
      prm.declare_entry(
        "Plastic work fraction",
        "0",
        Patterns::Double(0.),
        "beta: the share of the plastic work density W_p that drives the "
        "crack (ductile phase field, Miehe, Aldakheel & Raina 2016; Borden "
        "et al. 2016): H = max over the history of psi+ + beta <W_p - "
        "W_0>. 0 (default): brittle, psi+ alone [-].");
      prm.declare_entry(
        "Plastic work threshold",
        "0",
        Patterns::Double(0.),
        "W_0: plastic work density a point absorbs before it adds to the "
        "driving force (with Plastic work fraction > 0) [MPa = MJ/m^3].");
      prm.declare_entry(
        "Broken phase degradation",
        "0",
        Patterns::Double(0., 1.),
        "Per-phase damage of a homogenised laminate (Critical energy release "
        "rate = MATERIAL/PHASE): a cracking phase whose degradation g(d) is "
        "below this value stops slipping; its update then takes dt = 0 "
        "(elastic, with its plastic and transformation state frozen), so a "
        "broken layer's deformation is its crack opening, not flow under "
        "its effective (undegraded) stress. 0 (default): off, a broken phase "
        "keeps its viscoplastic update [-].");
      prm.leave_subsection();
    }


    void
    FractureParameters::parse_parameters(
      ParameterHandler               &prm,
      const std::vector<std::string> &material_names)
    {
      prm.enter_subsection("Fracture");
      model               = prm.get("Model");
      energy_split        = prm.get("Energy split");
      length              = prm.get_double("Regularisation length");
      residual_stiffness  = prm.get_double("Residual stiffness");
      staggered_tolerance = prm.get_double("Staggered tolerance");
      maximum_staggered_iterations =
        prm.get_integer("Maximum staggered iterations");
      staggered_acceleration = prm.get("Staggered acceleration");
      anderson_depth         = prm.get_integer("Anderson depth");
      staggered_relaxation   = prm.get("Staggered relaxation");
      maximum_damage_change_per_pass =
        prm.get_double("Maximum damage change per pass");
      viscosity                = prm.get_double("Viscosity");
      plastic_work_fraction    = prm.get_double("Plastic work fraction");
      plastic_work_threshold   = prm.get_double("Plastic work threshold");
      broken_phase_degradation = prm.get_double("Broken phase degradation");
      const std::string list   = prm.get("Critical energy release rate");
      const std::string cracks = prm.get("Initial crack");
      prm.leave_subsection();

      auto entry = [](const std::string &name, const auto &value)
      {
        std::ostringstream s;
        s << "Fracture/" << name << " = " << value;
        return s.str();
      };
      critical_energy_release_rate.clear();
      for (const std::string &item : Utilities::split_string_list(list, ','))
      {
        const auto colon = item.find(':');
        AssertThrow(colon != std::string::npos,
                    ExcMessage(entry("Critical energy release rate", list) +
                               ": item <" + item +
                               "> must read 'material: value'."));
        const std::string name = Utilities::trim(item.substr(0, colon));
        const std::string text = Utilities::trim(item.substr(colon + 1));
        // 'material/phase': a phase of a homogenised laminate (the model is
        // checked by the damage field, which has the models).
        const auto        slash    = name.find('/');
        const std::string material = name.substr(0, slash);
        bool              known    = false;
        for (const auto &m : material_names)
          known = known || m == material;
        AssertThrow(known,
                    ExcMessage(entry("Critical energy release rate", list) +
                               ": <" + material +
                               "> is not a material of Materials/Models."));
        if (slash != std::string::npos)
        {
          const std::string phase = name.substr(slash + 1);
          AssertThrow(phase == "crystal" || phase == "glass",
                      ExcMessage(entry("Critical energy release rate", list) +
                                 ": <" + name + ">: the phase <" + phase +
                                 "> is not crystal or glass (the phases of "
                                 "a homogenised laminate)."));
        }
        double value = 0.;
        try
        {
          std::size_t used = 0;
          value            = std::stod(text, &used);
          if (used != text.size())
            value = -1.;
        }
        catch (const std::exception &)
        {
          value = -1.;
        }
        AssertThrow(std::isfinite(value) && value > 0.,
                    ExcMessage(entry("Critical energy release rate", list) +
                               ": the value <" + text + "> of <" + name +
                               "> must be a finite number > 0."));
        AssertThrow(critical_energy_release_rate.count(name) == 0,
                    ExcMessage(entry("Critical energy release rate", list) +
                               ": <" + name + "> appears twice."));
        critical_energy_release_rate[name] = value;
      }
      // A laminate is degraded as a whole or per phase, not both.
      for (const auto &[name, value] : critical_energy_release_rate)
        if (name.find('/') != std::string::npos)
        {
          const std::string material = name.substr(0, name.find('/'));
          AssertThrow(critical_energy_release_rate.count(material) == 0,
                      ExcMessage(entry("Critical energy release rate", list) +
                                 ": <" + material + "> and <" + name +
                                 "> both named: a laminate is degraded as a "
                                 "whole or per phase, not both."));
        }
      initial_cracks.clear();
      for (const std::string &item : Utilities::split_string_list(cracks, ';'))
      {
        const auto            numbers = Utilities::split_string_list(item, ',');
        std::string           why;
        std::array<double, 6> x{};
        if (numbers.size() != 6)
          why = "needs six numbers 'x0, y0, z0, x1, y1, z1' per segment, "
                "has " +
                std::to_string(numbers.size());
        for (unsigned int i = 0; why.empty() && i < 6; ++i)
        {
          std::size_t used = 0;
          try
          {
            x[i] = std::stod(numbers[i], &used);
          }
          catch (const std::exception &)
          {
            used = 0;
          }
          if (used == 0 || used != numbers[i].size() || !std::isfinite(x[i]))
            why = "<" + numbers[i] + "> is not a finite number";
        }
        const Point<3> a(x[0], x[1], x[2]), b(x[3], x[4], x[5]);
        if (why.empty() && !(a.distance(b) > 0.))
          why = "the segment has zero length";
        AssertThrow(why.empty(),
                    ExcMessage(entry("Initial crack", cracks) + ": segment <" +
                               item + ">: " + why + "."));
        initial_cracks.push_back({{a, b}});
      }
      if (!active())
      {
        AssertThrow(initial_cracks.empty(),
                    ExcMessage(entry("Initial crack", cracks) +
                               " but Fracture/Model = none: set AT1 or AT2 "
                               "(an initial crack needs the damage field)."));
        return;
      }
      AssertThrow(std::isfinite(length) && length > 0.,
                  ExcMessage(entry("Regularisation length", length) +
                             ": must be a finite length > 0 µm."));
      AssertThrow(std::isfinite(plastic_work_fraction),
                  ExcMessage(
                    entry("Plastic work fraction", plastic_work_fraction) +
                    ": must be a finite number >= 0."));
      AssertThrow(std::isfinite(broken_phase_degradation) &&
                    broken_phase_degradation >= 0. &&
                    broken_phase_degradation < 1.,
                  ExcMessage(entry("Broken phase degradation",
                                   broken_phase_degradation) +
                             ": must be a number in [0, 1)."));
      AssertThrow(std::isfinite(maximum_damage_change_per_pass) &&
                    maximum_damage_change_per_pass > 0.,
                  ExcMessage(entry("Maximum damage change per pass",
                                   maximum_damage_change_per_pass) +
                             ": must be a number > 0 (1: no limit)."));
      AssertThrow(std::isfinite(viscosity),
                  ExcMessage(entry("Viscosity", viscosity) +
                             ": must be a finite number >= 0 MPa s (0: "
                             "rate independent)."));
      AssertThrow(std::isfinite(plastic_work_threshold),
                  ExcMessage(
                    entry("Plastic work threshold", plastic_work_threshold) +
                    ": must be a finite number >= 0 MPa."));
      if (ductile())
        for (const auto &[name, value] : critical_energy_release_rate)
          AssertThrow(name.find('/') == std::string::npos,
                      ExcMessage(
                        entry("Plastic work fraction", plastic_work_fraction) +
                        " with the laminate phase <" + name +
                        "> in Fracture/Critical energy release rate: the "
                        "per-phase degradation is brittle only (set 0, or "
                        "name the laminate as a whole)."));
      AssertThrow(residual_stiffness < 1.,
                  ExcMessage(entry("Residual stiffness", residual_stiffness) +
                             ": must be < 1."));
      AssertThrow(!critical_energy_release_rate.empty(),
                  ExcMessage(entry("Model", model) +
                             " but Fracture/Critical energy release rate "
                             "names no material: nothing can crack."));
    }
  } // namespace solver
} // namespace micropillar
