#include <algorithm>
#include <micropillar/loading/punch.h>

namespace micropillar
{
  namespace loading
  {
    void
    PunchParameters::declare_parameters(dealii::ParameterHandler &prm)
    {
      using namespace dealii;
      prm.declare_entry("Strain rate",
                        "5e-3",
                        Patterns::Double(1e-12),
                        "Engineering strain rate of the punch [1/s]; the "
                        "punch moves at rate * height.");
      prm.declare_entry("Target strain",
                        "0.02",
                        Patterns::Double(1e-12, 0.9),
                        "Engineering strain (punch displacement / height) "
                        "at which loading stops [-].");
      prm.declare_entry("Unload",
                        "false",
                        Patterns::Bool(),
                        "Unload at the same rate after the target strain, "
                        "until the punch force vanishes.");
      prm.declare_entry("Punch contact",
                        "stuck",
                        Patterns::Selection("stuck|frictionless|Coulomb"),
                        "Contact of the punch: stuck (the top face follows "
                        "the punch, no slip) or frictionless (axial "
                        "displacement only), both Dirichlet conditions on "
                        "the top face; or Coulomb: penalty contact of a "
                        "rigid flat punch with Coulomb friction (Friction "
                        "coefficient) on the top face and the side faces "
                        "near the top (docs/contact.md).");
      prm.declare_entry("Friction coefficient",
                        "0.2",
                        Patterns::Double(0.),
                        "Coulomb friction coefficient mu between punch and "
                        "pillar [-] (Punch contact = Coulomb only); 0 is "
                        "frictionless, a large value sticks.");
      prm.declare_entry(
        "Contact penalty factor",
        "100",
        Patterns::Double(1e-3),
        "Penalty factor kappa of the Coulomb contact [-]: normal penalty "
        "eps_n = kappa G_max / h [MPa/µm] (G_max the "
        "largest shear modulus of the materials, h the smallest edge of the "
        "cells that carry contact faces); the penetration is about "
        "p h / (kappa G_max) (docs/contact.md).");
      prm.declare_entry(
        "Tangential penalty ratio",
        "0.1",
        Patterns::Double(1e-6, 1.),
        "Tangential over normal penalty of the Coulomb contact, eps_t / "
        "eps_n [-]; the elastic slip of a sticking point is mu p / eps_t "
        "(docs/contact.md).");
      prm.declare_entry(
        "Contact search depth",
        "0.25",
        Patterns::Double(0., 1.),
        "Boundary faces (except bottom and plane-strain faces) whose "
        "reference centre lies within this fraction of the height below the "
        "top are contact candidates (Punch contact = Coulomb): the side "
        "material that rolls onto the punch comes into contact [-].");
      prm.declare_entry(
        "Punch slide",
        "0",
        Patterns::Double(0.),
        "Punch contact = Coulomb only: the punch also moves sideways (+x), "
        "by this many µm per µm of axial punch displacement beyond Punch "
        "slide start [-] (a block pressed and then sheared: stick below mu p, "
        "slip above; docs/contact.md). 0: the punch moves axially only. The "
        "curve gets the columns punch_slide [µm] and tangential_force [µN].");
      prm.declare_entry("Punch slide start",
                        "0",
                        Patterns::Double(0.),
                        "Engineering strain at which the punch starts to "
                        "slide (Punch slide > 0) [-].");
      prm.declare_entry(
        "Bottom support",
        "fixed",
        Patterns::Selection("fixed|frictionless"),
        "Support of the bottom face (base bottom, or pillar bottom without a "
        "base): fixed (clamped) or frictionless (axial displacement zero, "
        "rigid-body modes pinned at two bottom vertices on one x-line).");
      prm.declare_entry(
        "Machine stiffness",
        "0",
        Patterns::Double(0.),
        "Stiffness of the testing machine in series with the pillar [µN/µm]; "
        "0 = rigid. With a finite value the load programme drives the "
        "machine and the punch displacement d_p solves d_p + F(d_p)/k = d_m, "
        "so that load drops can show.");
      prm.declare_entry(
        "Direction",
        "compression",
        Patterns::Selection("compression|tension"),
        "compression (the punch pushes), or tension (it pulls, as a glued "
        "grip: for verification, e.g. the homogeneous bar of fracture). The "
        "curve keeps compression positive: a tension test has negative "
        "displacement, force, strain and stress.");
    }

    void
    PunchParameters::parse_parameters(dealii::ParameterHandler &prm)
    {
      strain_rate              = prm.get_double("Strain rate");
      target_strain            = prm.get_double("Target strain");
      unload                   = prm.get_bool("Unload");
      punch_contact            = prm.get("Punch contact");
      friction_coefficient     = prm.get_double("Friction coefficient");
      contact_penalty_factor   = prm.get_double("Contact penalty factor");
      contact_search_depth     = prm.get_double("Contact search depth");
      tangential_penalty_ratio = prm.get_double("Tangential penalty ratio");
      bottom_support           = prm.get("Bottom support");
      machine_stiffness        = prm.get_double("Machine stiffness");
      direction                = prm.get("Direction");
      slide                    = prm.get_double("Punch slide");
      slide_start_strain       = prm.get_double("Punch slide start");
      AssertThrow(!(slide > 0. && punch_contact != "Coulomb"),
                  dealii::ExcMessage(
                    "Loading/Punch slide = " + std::to_string(slide) +
                    " needs Loading/Punch contact = Coulomb (a Dirichlet "
                    "punch does not slide): set Punch slide = 0 or Punch "
                    "contact = Coulomb."));
      AssertThrow(!(punch_contact == "Coulomb" && direction == "tension"),
                  dealii::ExcMessage(
                    "Loading/Punch contact = Coulomb cannot pull: use "
                    "Loading/Direction = compression, or Punch contact = "
                    "stuck for a tension test."));
    }

    FlatPunch::FlatPunch(const PunchParameters &parameters, const double height)
        : prm(parameters)
        , height(height)
    {
    }

    double
    FlatPunch::loading_end_time() const
    {
      return prm.target_strain / prm.strain_rate;
    }

    double
    FlatPunch::end_time() const
    {
      return prm.unload ? 2. * loading_end_time() : loading_end_time();
    }

    double
    FlatPunch::displacement(const double t) const
    {
      const double v =
        (prm.direction == "tension" ? -1. : 1.) * prm.strain_rate * height;
      const double t1 = loading_end_time();
      if (t <= t1)
        return v * t;
      return v > 0. ? std::max(0., v * (2. * t1 - t))
                    : std::min(0., v * (2. * t1 - t));
    }
  } // namespace loading
} // namespace micropillar
