#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/tensor.h>
#include <iostream>
#include <limits>
#include <micropillar/constitutive/crystal/crystal_plasticity.h>
#include <micropillar/constitutive/laminate.h>
#include <micropillar/constitutive/registry.h>
#include <set>
#include <sstream>

namespace micropillar
{
  namespace constitutive
  {
    const char *const HomogenisedLaminate::default_crystal_model =
      "crystal plasticity";
    const char *const HomogenisedLaminate::default_glass_model =
      "free volume glass";

    namespace
    {
      const char *const prm_name = "homogenised laminate";

      using Tensor1 = HomogenisedLaminate::Tensor1;

      // Q_ik = A_iJkL N_J N_L.
      Tensor2
      acoustic(const Tensor4 &A, const Tensor1 &N)
      {
        Tensor2 Q;
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int k = 0; k < 3; ++k)
          {
            double q = 0.;
            for (unsigned int J = 0; J < 3; ++J)
              for (unsigned int L = 0; L < 3; ++L)
                q += A[i][J][k][L] * N[J] * N[L];
            Q[i][k] = q;
          }
        return Q;
      }

      std::string
      exception_text(const std::exception &e)
      {
        if (const auto *d = dynamic_cast<const dealii::ExceptionBase *>(&e))
        {
          std::ostringstream s;
          d->print_info(s);
          return s.str();
        }
        return e.what();
      }

      // Selection pattern of the sub-model entries: every registered model
      // but the laminate itself, and the defaults even if they are not
      // (yet) registered, so that declaring never fails; creating an
      // unregistered model then fails with the Registry's message.
      std::string
      sub_model_pattern()
      {
        std::set<std::string> names;
        for (const auto &n : Registry::names())
          if (n != prm_name)
            names.insert(n);
        names.insert(HomogenisedLaminate::default_crystal_model);
        names.insert(HomogenisedLaminate::default_glass_model);
        std::string result;
        for (const auto &n : names)
          result += (result.empty() ? "" : "|") + n;
        return result;
      }

      std::unique_ptr<Model>
      create_sub_model(dealii::ParameterHandler &prm,
                       const std::string        &entry,
                       const std::string        &subsection,
                       const std::string        &default_name)
      {
        const std::string name = prm.get(entry);
        prm.enter_subsection(subsection);
        std::unique_ptr<Model> model;
        std::string            error;
        try
        {
          model = Registry::create(name, prm);
        }
        catch (const std::exception &e)
        {
          error = exception_text(e);
        }
        prm.leave_subsection();
        if (error.empty())
          return model;
        if (name != default_name)
          AssertThrow(false,
                      dealii::ExcMessage(
                        "homogenised laminate: " + entry + " = " + name +
                        ": only the entries of the default model <" +
                        default_name + "> are declared in subsection " +
                        subsection + ", so <" + name +
                        "> cannot read its parameters from a parameter file "
                        "(use the default, or the C++ constructor taking two "
                        "models). The model reported:\n" +
                        error));
        AssertThrow(false,
                    dealii::ExcMessage("homogenised laminate, subsection " +
                                       subsection + ": " + error));
        return model;
      }

      HomogenisedLaminate::Parameters
      parse(dealii::ParameterHandler &prm)
      {
        HomogenisedLaminate::Parameters p;
        p.crystal_fraction        = prm.get_double("Crystal volume fraction");
        p.crystal_layer_thickness = prm.get_double("Crystal layer thickness");
        p.glass_layer_thickness   = prm.get_double("Glass layer thickness");
        return p;
      }
    } // namespace

    // All the sub-model results at one trial jump a.
    struct HomogenisedLaminate::Evaluation
    {
      Tensor1             a;
      UpdateResult        rc, rg;
      std::vector<double> new_c, new_g;
      Tensor1             r;
      double              r_norm      = 0.;
      double              psi_plus[2] = {0., 0.}; // with a degradation
    };

    void
    HomogenisedLaminate::Parameters::check() const
    {
      std::ostringstream errors;
      if (!(crystal_fraction >= 0. && crystal_fraction <= 1.))
        errors << "  Crystal volume fraction = " << crystal_fraction
               << ": must lie in [0, 1].\n";
      if (!(crystal_layer_thickness >= 0.))
        errors << "  Crystal layer thickness = " << crystal_layer_thickness
               << ": must be >= 0 [µm].\n";
      if (!(glass_layer_thickness >= 0.))
        errors << "  Glass layer thickness = " << glass_layer_thickness
               << ": must be >= 0 [µm].\n";
      if (!(tolerance > 0. && noise_floor >= tolerance))
        errors << "  local Newton tolerance = " << tolerance
               << ", noise floor = " << noise_floor
               << ": need 0 < tolerance <= noise floor.\n";
      if (max_iterations == 0)
        errors << "  local Newton iterations: must be > 0.\n";
      AssertThrow(errors.str().empty(),
                  dealii::ExcMessage(
                    "subsection homogenised laminate: invalid entries:\n" +
                    errors.str()));
    }

    HomogenisedLaminate::HomogenisedLaminate(std::unique_ptr<Model> crystal_in,
                                             std::unique_ptr<Model> glass_in,
                                             const Parameters &parameters_in)
        : crystal(std::move(crystal_in))
        , glass(std::move(glass_in))
        , parameters(parameters_in)
    {
      setup();
    }

    HomogenisedLaminate::HomogenisedLaminate(dealii::ParameterHandler &prm)
        : crystal(create_sub_model(prm,
                                   "Crystal model",
                                   "Crystal",
                                   default_crystal_model))
        , glass(
            create_sub_model(prm, "Glass model", "Glass", default_glass_model))
        , parameters(parse(prm))
    {
      setup();
    }

    void
    HomogenisedLaminate::setup()
    {
      AssertThrow(crystal && glass,
                  dealii::ExcMessage(
                    "homogenised laminate: both sub-models must be given."));
      parameters.check();
      crystal_plasticity =
        dynamic_cast<const crystal::CrystalPlasticity *>(crystal.get());
      f_c          = parameters.crystal_fraction;
      f_g          = 1. - f_c;
      stress_scale = std::max(crystal->shear_modulus(), glass->shear_modulus());
      AssertThrow(stress_scale > 0.,
                  dealii::ExcMessage("homogenised laminate: the sub-models' "
                                     "shear moduli must be positive."));

      const std::vector<std::string> nc = crystal->output_names();
      const std::vector<std::string> ng = glass->output_names();
      const std::set<std::string>    sc(nc.begin(), nc.end());
      const std::set<std::string>    sg(ng.begin(), ng.end());
      names.clear();
      for (const auto &n : nc)
        names.push_back(sg.count(n) ? "crystal_" + n : n);
      for (const auto &n : ng)
        names.push_back(sc.count(n) ? "glass_" + n : n);
      names.push_back("crystal_equivalent_plastic_strain");
      names.push_back("glass_equivalent_plastic_strain");
      names.push_back("laminate_jump_norm");
    }

    void
    HomogenisedLaminate::declare_parameters(dealii::ParameterHandler &prm)
    {
      using namespace dealii::Patterns;
      const std::string pattern = sub_model_pattern();
      prm.declare_entry(
        "Crystal model",
        default_crystal_model,
        Selection(pattern),
        "Constitutive model of the crystal layers; it reads its entries from "
        "subsection Crystal. Only the entries of the default model (" +
          std::string(default_crystal_model) +
          ") are declared there: another model cannot be configured from a "
          "parameter file.");
      prm.declare_entry(
        "Glass model",
        default_glass_model,
        Selection(pattern),
        "Constitutive model of the glass layers; it reads its entries from "
        "subsection Glass. Only the entries of the default model (" +
          std::string(default_glass_model) +
          ") are declared there: another model cannot be configured from a "
          "parameter file.");
      prm.declare_entry("Crystal volume fraction",
                        "0.6",
                        Double(0., 1.),
                        "Volume fraction f_c of the crystal layers [-]; the "
                        "glass has 1 - f_c.");
      prm.declare_entry("Crystal layer thickness",
                        "0.018",
                        Double(0.),
                        "Reference thickness of one crystal layer [µm], given "
                        "to the crystal model as the layer thickness of the "
                        "point (interface barriers).");
      prm.declare_entry("Glass layer thickness",
                        "0.012",
                        Double(0.),
                        "Reference thickness of one glass layer [µm], given "
                        "to the glass model as the layer thickness of the "
                        "point.");
      prm.enter_subsection("Crystal");
      if (Registry::has(default_crystal_model))
        Registry::declare_parameters(default_crystal_model, prm);
      prm.leave_subsection();
      prm.enter_subsection("Glass");
      if (Registry::has(default_glass_model))
        Registry::declare_parameters(default_glass_model, prm);
      prm.leave_subsection();
    }

    unsigned int
    HomogenisedLaminate::n_state() const
    {
      return n_own_state + crystal->n_state() + glass->n_state();
    }

    void
    HomogenisedLaminate::initialise_state(const PointContext  &context,
                                          std::vector<double> &state) const
    {
      state.assign(n_state(), 0.);
      const double n = context.layer_normal.norm();
      AssertThrow(n > 0.,
                  dealii::ExcMessage("homogenised laminate: zero layer normal "
                                     "in the point context."));
      for (unsigned int i = 0; i < 3; ++i)
        state[normal_index + i] = context.layer_normal[i] / n;

      PointContext        cc = context, cg = context;
      std::vector<double> sc(crystal->n_state()), sg(glass->n_state());
      cc.layer_thickness = parameters.crystal_layer_thickness;
      cg.layer_thickness = parameters.glass_layer_thickness;
      // Each sub-point stands for a layer bounded by layers of the other
      // material (crystal next to glass), whatever the host pillar's stack.
      cc.layer_has_interface = parameters.crystal_layer_thickness > 0.;
      cg.layer_has_interface = parameters.glass_layer_thickness > 0.;
      crystal->initialise_state(cc, sc);
      glass->initialise_state(cg, sg);
      std::copy(sc.begin(), sc.end(), state.begin() + crystal_offset());
      std::copy(sg.begin(), sg.end(), state.begin() + glass_offset());
    }

    HomogenisedLaminate::Tensor1
    HomogenisedLaminate::jump(const Tensor2 &F, const std::vector<double> &s)
    {
      Tensor1 b;
      for (unsigned int i = 0; i < 3; ++i)
        b[i] = s[jump_index + i];
      return F * b;
    }

    HomogenisedLaminate::Tensor1
    HomogenisedLaminate::layer_normal(const std::vector<double> &s)
    {
      Tensor1 N;
      for (unsigned int i = 0; i < 3; ++i)
        N[i] = s[normal_index + i];
      return N;
    }

    void
    HomogenisedLaminate::phase_deformations(const Tensor2             &F,
                                            const std::vector<double> &state,
                                            Tensor2                   &F_c,
                                            Tensor2 &F_g) const
    {
      const Tensor2 aN =
        dealii::outer_product(jump(F, state), layer_normal(state));
      F_c = F + f_g * aN;
      F_g = F - f_c * aN;
    }

    std::vector<double>
    HomogenisedLaminate::crystal_state(const std::vector<double> &s) const
    {
      return std::vector<double>(s.begin() + crystal_offset(),
                                 s.begin() + glass_offset());
    }

    std::vector<double>
    HomogenisedLaminate::glass_state(const std::vector<double> &s) const
    {
      return std::vector<double>(s.begin() + glass_offset(),
                                 s.begin() + glass_offset() + glass->n_state());
    }

    bool
    HomogenisedLaminate::evaluate(
      const Tensor1                       &a,
      const Tensor2                       &F,
      const Tensor2                       &F_c_old,
      const Tensor2                       &F_g_old,
      const double                         dt,
      const Tensor1                       &N0,
      const std::vector<double>           &old_c,
      const std::vector<double>           &old_g,
      const std::vector<double>           &now_c,
      const std::vector<double>           &now_g,
      const phase_field::PhaseDegradation *degradation,
      unsigned int                        *held_substeps,
      Evaluation                          &e) const
    {
      e.a = a;
      // Every trial jump starts from the sub-states now_c, now_g: the
      // attempt's last update, then the last accepted trial of this solve
      // (solve(), keep), so that a choice a sub-model holds for the attempt
      // (Model::start_step; the crystal's frozen sub-step count) is kept.
      e.new_c.assign(now_c.begin(), now_c.end());
      e.new_g.assign(now_g.begin(), now_g.end());
      const Tensor2 aN  = dealii::outer_product(a, N0);
      e.rc.converged    = true;
      e.rg.converged    = true;
      const Tensor2 F_c = F + f_g * aN, F_g = F - f_c * aN;
      // A broken cracking phase (g below Fracture/Broken phase degradation)
      // no longer flows: its update takes dt = 0.
      const auto phase_dt = [&](const unsigned int k)
      {
        return degradation != nullptr && degradation->cracks[k] &&
                   degradation->g < degradation->frozen_below
                 ? 0.
                 : dt;
      };
      if (held_substeps != nullptr && crystal_plasticity != nullptr)
        crystal_plasticity->update_with_substeps(F_c,
                                                 F_c_old,
                                                 phase_dt(0),
                                                 old_c,
                                                 e.new_c,
                                                 e.rc,
                                                 held_substeps,
                                                 fallback_max_substeps);
      else
        crystal->update(F_c, F_c_old, phase_dt(0), old_c, e.new_c, e.rc);
      if (!e.rc.converged)
        return false;
      glass->update(F_g, F_g_old, phase_dt(1), old_g, e.new_g, e.rg);
      if (!e.rg.converged)
        return false;
      if (degradation != nullptr)
      {
        // Each phase's psi+ from its effective stress, then the cracking
        // phases degraded (the shared kernel of constitutive/phase_field.h).
        const Tensor2             *Fk[2]  = {&F_c, &F_g};
        UpdateResult              *rk[2]  = {&e.rc, &e.rg};
        const std::vector<double> *ok[2]  = {&old_c, &old_g};
        const Model               *sub[2] = {crystal.get(), glass.get()};
        for (unsigned int k = 0; k < 2; ++k)
        {
          // A broken, frozen phase (elastic at any strain its crack
          // opening gives it) with the orthogonal split: the model's exact
          // split of its own hyperelastic energy, if it has one.
          if (degradation->cracks[k] && phase_dt(k) == 0. &&
              degradation->split == phase_field::Split::orthogonal &&
              sub[k]->degraded_elastic_update(
                *Fk[k], *ok[k], degradation->g, *rk[k], e.psi_plus[k]))
            continue;
          // psi+ of the effective stress; a cracking phase is degraded
          // from the same split (degrade() returns it).
          e.psi_plus[k] =
            (degradation->cracks[k]
               ? phase_field::degrade(*rk[k],
                                      *Fk[k],
                                      degradation->g,
                                      degradation->split,
                                      degradation->moduli[k],
                                      degradation->stiffness[k])
               : phase_field::energy_split(rk[k]->P * dealii::transpose(*Fk[k]),
                                           degradation->moduli[k],
                                           degradation->split,
                                           degradation->stiffness[k],
                                           *Fk[k]))
              .first;
        }
      }
      e.r      = (e.rc.P - e.rg.P) * N0;
      e.r_norm = e.r.norm();
      return std::isfinite(e.r_norm);
    }

    void
    HomogenisedLaminate::update(const Tensor2             &F,
                                const Tensor2             &F_old,
                                const double               dt,
                                const std::vector<double> &old_state,
                                std::vector<double>       &new_state,
                                UpdateResult              &result) const
    {
      solve(F, F_old, dt, old_state, new_state, result, nullptr, nullptr);
    }

    void
    HomogenisedLaminate::update_degraded(
      const Tensor2                       &F,
      const Tensor2                       &F_old,
      const double                         dt,
      const std::vector<double>           &old_state,
      std::vector<double>                 &new_state,
      UpdateResult                        &result,
      const phase_field::PhaseDegradation &degradation,
      double                               psi_plus[2]) const
    {
      solve(F, F_old, dt, old_state, new_state, result, &degradation, psi_plus);
    }

    void
    HomogenisedLaminate::solve(const Tensor2                       &F,
                               const Tensor2                       &F_old,
                               const double                         dt,
                               const std::vector<double>           &old_state,
                               std::vector<double>                 &new_state,
                               UpdateResult                        &result,
                               const phase_field::PhaseDegradation *degradation,
                               double *psi_plus) const
    {
      new_state.resize(n_state());
      result.converged  = false;
      const double detF = dealii::determinant(F);
      if (!(detF > 0.))
        return;

      const Tensor1 N0 = layer_normal(old_state);
      Tensor1       b_old;
      for (unsigned int i = 0; i < 3; ++i)
        b_old[i] = old_state[jump_index + i];
      // The old phase deformations from the stored (material) jump: the
      // sub-models see exactly the F_old's they converged at.
      const Tensor2 aN_old  = dealii::outer_product(F_old * b_old, N0);
      const Tensor2 F_c_old = F_old + f_g * aN_old;
      const Tensor2 F_g_old = F_old - f_c * aN_old;
      const std::vector<double> old_c = crystal_state(old_state);
      const std::vector<double> old_g = glass_state(old_state);
      std::vector<double>       now_c = crystal_state(new_state);
      std::vector<double>       now_g = glass_state(new_state);

      const double tight = parameters.tolerance * stress_scale;
      const double loose = parameters.noise_floor * stress_scale;

      // The orthogonal split's metric per phase, once per point update: the
      // sub-model's own stiffness at the step's start, if it has one
      // (constitutive/phase_field.h).
      phase_field::PhaseDegradation with_stiffness;
      phase_field::StepStiffness    stiffness[2];
      if (degradation != nullptr &&
          degradation->split == phase_field::Split::orthogonal)
      {
        with_stiffness                    = *degradation;
        const Tensor2             *Fk[2]  = {&F_c_old, &F_g_old};
        const std::vector<double> *sk[2]  = {&old_c, &old_g};
        const Model               *sub[2] = {crystal.get(), glass.get()};
        for (unsigned int k = 0; k < 2; ++k)
        {
          phase_field::Stiffness C;
          if (sub[k]->elastic_stiffness(*Fk[k], *sk[k], C))
          {
            stiffness[k] = phase_field::step_stiffness(C, *Fk[k]);
            with_stiffness.stiffness[k] = &stiffness[k];
          }
        }
        degradation = &with_stiffness;
      }

      Evaluation cur, trial;
      // The crystal's sub-step counts held over the fallback solve (null:
      // the crystal's own Sub-step rule).
      unsigned int  held[2] = {0, 0};
      unsigned int *hold    = nullptr;
      // Both phases' responses at the jump a, everything else of this call
      // held.
      // The F of the trial jumps: F, but for the continuation below.
      Tensor2    F_eval      = F;
      const auto evaluate_at = [&](const Tensor1 &a, Evaluation &out)
      {
        return evaluate(a,
                        F_eval,
                        F_c_old,
                        F_g_old,
                        dt,
                        N0,
                        old_c,
                        old_g,
                        now_c,
                        now_g,
                        degradation,
                        hold,
                        out);
      };

      // Each accepted evaluation's sub-states become the start of the next
      // trial: a choice a sub-model made at its first update of the
      // attempt and keeps for it (Model::start_step; the crystal's
      // sub-step count with "Sub-step rule = per step", which only grows)
      // then also holds across the trial jumps of this solve, so that the
      // traction residual is a continuous function of the jump. Rejected
      // trials (line search) do not pass on what they chose.
      const auto keep = [&](const Evaluation &e)
      {
        now_c = e.new_c;
        now_g = e.new_g;
      };
      // One Newton attempt from a0; max_step > 0 caps |da| (a damped
      // retry). Backtracking on |r|: the Newton direction is a descent
      // direction of |r|^2 whenever K is invertible, symmetric or not
      // (a softening glass may make it indefinite).
      const auto attempt = [&](const Tensor1 &a0, const double max_step)
      {
        if (!evaluate_at(a0, cur))
          return false;
        keep(cur);
        for (unsigned int it = 0; it < parameters.max_iterations; ++it)
        {
          if (cur.r_norm <= tight)
            return true;
          const Tensor2 K =
            f_g * acoustic(cur.rc.dP_dF, N0) + f_c * acoustic(cur.rg.dP_dF, N0);
          const double det_K = dealii::determinant(K);
          if (!(std::abs(det_K) > 1e-12 * std::pow(K.norm(), 3)))
            return false;
          Tensor1      da      = -(dealii::invert(K) * cur.r);
          const double da_norm = da.norm();
          if (max_step > 0. && da_norm > max_step)
            da *= max_step / da_norm;

          bool   accepted = false;
          double alpha    = 1.;
          for (unsigned int ls = 0; ls < 8 && !accepted; ++ls, alpha *= 0.5)
          {
            accepted = evaluate_at(cur.a + alpha * da, trial) &&
                       trial.r_norm <= (1. - 1e-4 * alpha) * cur.r_norm;
            // No decrease from a point already below the round-off floor
            // of a noisy sub-model (its own local tolerance): backtracking
            // would only cost sub-model updates.
            if (!accepted && cur.r_norm <= loose)
              return true;
          }
          if (!accepted)
            return false;
          std::swap(cur, trial);
          keep(cur);
        }
        return cur.r_norm <= loose;
      };

      // Start from the old material jump carried by the current F; retry
      // from a = 0 and then with a capped step.
      // (Diagnostic: which attempt solved, for debug_trace().)
      const char   *stage  = "predictor";
      const Tensor1 a_pred = F * b_old;
      bool          ok     = attempt(a_pred, 0.);
      if (!ok && a_pred.norm() > 0.)
        ok = (stage = "from 0", attempt(Tensor1(), 0.));
      if (!ok)
        ok = (stage = "predictor capped", attempt(a_pred, 0.02));
      if (!ok)
        ok = (stage = "from 0 capped", attempt(Tensor1(), 0.005));
      // Fallback (issue 13): the same attempts with the crystal's sub-step
      // counts held for the whole solve (chosen at the first trial, grown
      // only where a sub-step fails). With the adaptive rule the crystal's
      // count switches with F and its traction jumps by up to ~20 MPa
      // between adjacent trial jumps; in a crack's runaway (crystal
      // degraded, g ~ 0.2-0.4) the root of the traction residual fell into
      // such a gap and the jump Newton stalled. Points that solve without
      // it are unchanged.
      // A trial evaluation (constitutive/interface.h) stops here: the
      // fallbacks below cost up to ~1 s per point at the wild trial states
      // of a softening pillar's line search, which halves the trial anyway.
      if (!ok && trial_evaluation())
        return;
      if (!ok && crystal_plasticity != nullptr)
      {
        hold  = held;
        stage = "held predictor";
        ok    = attempt(a_pred, 0.);
        if (!ok)
        {
          held[0] = held[1] = 0;
          stage             = "held predictor capped";
          ok                = attempt(a_pred, 0.02);
        }
      }
      // Fallbacks for a trial F far from F_old (issue 13: the global
      // iterates of a crack's runaway move the broken points' F by ~0.1
      // from F_old within one step, where the old jump F b_old is a poor
      // start and the jump Newton runs into jumps at which the crystal
      // cannot be updated). Points that solve above are unchanged.
      // A fallback pass starts from the sub-states of the last call (in
      // new_state); pass 0 plain, pass 1 with the crystal's sub-step
      // counts held (false: no crystal, so no second pass).
      const auto begin_pass = [&](const unsigned int pass)
      {
        now_c   = crystal_state(new_state);
        now_g   = glass_state(new_state);
        held[0] = held[1] = 0;
        hold = pass == 0 || crystal_plasticity == nullptr ? nullptr : held;
        return pass == 0 || hold != nullptr;
      };
      // (a) Start from the jump of the previous call of this attempt (the
      // global Newton's last iterate, stored in new_state), the nearest
      // known root, with that call's sub-states.
      if (!ok)
      {
        Tensor1 b_last;
        for (unsigned int i = 0; i < 3; ++i)
          b_last[i] = new_state[jump_index + i];
        if (b_last != b_old)
          for (unsigned int pass = 0; pass < 2 && !ok; ++pass)
          {
            if (!begin_pass(pass))
              break;
            stage = pass == 0 ? "last jump" : "last jump held";
            ok    = attempt(F * b_last, 0.);
          }
      }
      // (b) Continuation in the increment: the roots at F_old + lambda
      // (F - F_old) (same dt and old state) from lambda = 0, where the old
      // jump is the root's start, to 1, each from the last; the step in
      // lambda halves on a failure. The root at lambda = 1 solves the same
      // equations as above: only the path to it differs.
      if (!ok)
        for (unsigned int pass = 0; pass < 2 && !ok; ++pass)
        {
          if (!begin_pass(pass))
            break;
          stage            = pass == 0 ? "continuation" : "continuation held";
          Tensor1 a_lambda = F_old * b_old;
          double  lambda = 0., step = 0.25;
          while (lambda < 1. && step >= 1. / 64.)
          {
            const double              next   = std::min(1., lambda + step);
            const std::vector<double> keep_c = now_c, keep_g = now_g;
            F_eval = next < 1. ? F_old + next * (F - F_old) : F;
            if (attempt(a_lambda, 0.))
            {
              lambda   = next;
              a_lambda = cur.a;
              step     = std::min(0.5, 2. * step);
            }
            else
            {
              now_c = keep_c;
              now_g = keep_g;
              step *= 0.5;
            }
          }
          F_eval = F;
          ok     = lambda >= 1.;
        }
      if (debug_trace())
      {
        std::cerr << "  laminate: " << (ok ? "solved by " : "failed after ")
                  << stage << ", |r| = " << cur.r_norm << " MPa, a = (" << cur.a
                  << ")";
        if (crystal_plasticity != nullptr)
          std::cerr << ", crystal sub-steps (HCP, FCC) = "
                    << crystal_plasticity->substep_count(
                         crystal::CrystalPlasticity::Phase::hcp, cur.new_c)
                    << ", "
                    << crystal_plasticity->substep_count(
                         crystal::CrystalPlasticity::Phase::fcc, cur.new_c)
                    << " (held " << held[0] << ", " << held[1] << ")";
        std::cerr << ", P_zz = "
                  << (cur.rg.P + f_c * (cur.rc.P - cur.rg.P))[2][2] << " MPa"
                  << std::endl;
      }
      if (!ok)
      {
        dump_failed_solve(F, F_old, dt, old_state, new_state, degradation);
        return;
      }

      // Response and its exact linearisation at the converged jump.
      const Tensor4 &A_c   = cur.rc.dP_dF;
      const Tensor4 &A_g   = cur.rg.dP_dF;
      const Tensor4  D     = A_c - A_g;
      const Tensor2  K     = f_g * acoustic(A_c, N0) + f_c * acoustic(A_g, N0);
      const double   det_K = dealii::determinant(K);
      if (!(std::abs(det_K) > 1e-12 * std::pow(K.norm(), 3)))
        return;
      const Tensor2 K_inv = dealii::invert(K);

      // C_iJk = D_iJkL N_L,  B_pmn = D_pQmn N_Q,  G_iJp = C_iJk K^-1_kp.
      dealii::Tensor<3, 3> C, B, G;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int J = 0; J < 3; ++J)
          for (unsigned int k = 0; k < 3; ++k)
            for (unsigned int L = 0; L < 3; ++L)
            {
              C[i][J][k] += D[i][J][k][L] * N0[L];
              B[i][k][L] += D[i][J][k][L] * N0[J];
            }
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int J = 0; J < 3; ++J)
          for (unsigned int p = 0; p < 3; ++p)
            for (unsigned int k = 0; k < 3; ++k)
              G[i][J][p] += C[i][J][k] * K_inv[k][p];

      // P = f_c P_c + f_g P_g written so that equal phases give P_g exactly.
      result.P       = cur.rg.P + f_c * (cur.rc.P - cur.rg.P);
      result.dP_dF   = A_g + f_c * D;
      const double w = f_c * f_g;
      for (unsigned int i = 0; i < 3; ++i)
        for (unsigned int J = 0; J < 3; ++J)
          for (unsigned int m = 0; m < 3; ++m)
            for (unsigned int n = 0; n < 3; ++n)
            {
              double s = 0.;
              for (unsigned int p = 0; p < 3; ++p)
                s += G[i][J][p] * B[p][m][n];
              result.dP_dF[i][J][m][n] -= w * s;
            }

      const Tensor1 b = dealii::invert(F) * cur.a;
      for (unsigned int i = 0; i < 3; ++i)
      {
        new_state[jump_index + i]   = b[i];
        new_state[normal_index + i] = N0[i];
      }
      new_state[jump_norm_index] = cur.a.norm();
      if (psi_plus != nullptr)
        for (unsigned int k = 0; k < 2; ++k)
          psi_plus[k] = cur.psi_plus[k];
      std::copy(cur.new_c.begin(),
                cur.new_c.end(),
                new_state.begin() + crystal_offset());
      std::copy(cur.new_g.begin(),
                cur.new_g.end(),
                new_state.begin() + glass_offset());
      result.converged = true;
    }

    void
    HomogenisedLaminate::dump_failed_solve(
      const Tensor2                       &F,
      const Tensor2                       &F_old,
      const double                         dt,
      const std::vector<double>           &old_state,
      const std::vector<double>           &new_state,
      const phase_field::PhaseDegradation *degradation)
    {
      static const char *file = std::getenv("MICROPILLAR_DEBUG_LAMINATE_DUMP");
      if (file == nullptr)
        return;
      std::FILE *fp = std::fopen(file, "a");
      if (fp == nullptr)
        return;
      phase_field::PhaseDegradation        none;
      const phase_field::PhaseDegradation &d =
        degradation != nullptr ? *degradation : none;
      std::fprintf(fp,
                   "%.17g %.17g %d %d %d %.17g %.17g %.17g %.17g",
                   degradation != nullptr ? d.g : 1.,
                   dt,
                   static_cast<int>(d.split),
                   static_cast<int>(d.cracks[0]),
                   static_cast<int>(d.cracks[1]),
                   d.moduli[0].K,
                   d.moduli[0].G,
                   d.moduli[1].K,
                   d.moduli[1].G);
      for (const Tensor2 *T : {&F, &F_old})
        for (unsigned int i = 0; i < 3; ++i)
          for (unsigned int j = 0; j < 3; ++j)
            std::fprintf(fp, " %.17g", (*T)[i][j]);
      std::fprintf(fp, " %zu", old_state.size());
      for (const double v : old_state)
        std::fprintf(fp, " %.17g", v);
      for (const double v : new_state)
        std::fprintf(fp, " %.17g", v);
      std::fprintf(fp, "\n");
      std::fclose(fp);
    }

    void
    HomogenisedLaminate::start_step(std::vector<double> &new_state) const
    {
      if (new_state.size() != n_state())
        return;
      std::vector<double> sc = crystal_state(new_state);
      std::vector<double> sg = glass_state(new_state);
      crystal->start_step(sc);
      glass->start_step(sg);
      std::copy(sc.begin(), sc.end(), new_state.begin() + crystal_offset());
      std::copy(sg.begin(), sg.end(), new_state.begin() + glass_offset());
    }

    std::vector<std::string>
    HomogenisedLaminate::output_names() const
    {
      return names;
    }

    bool
    HomogenisedLaminate::output_is_averaged(const unsigned int k) const
    {
      const unsigned int n_c = crystal->output_names().size();
      const unsigned int n_g = glass->output_names().size();
      if (k < n_c)
        return crystal->output_is_averaged(k);
      if (k < n_c + n_g)
        return glass->output_is_averaged(k - n_c);
      return true;
    }

    void
    HomogenisedLaminate::output_values(const std::vector<double> &state,
                                       std::vector<double>       &values) const
    {
      const std::vector<double> sc = crystal_state(state);
      const std::vector<double> sg = glass_state(state);
      std::vector<double>       vc, vg;
      crystal->output_values(sc, vc);
      glass->output_values(sg, vg);
      values = vc;
      values.insert(values.end(), vg.begin(), vg.end());
      values.push_back(crystal->equivalent_plastic_strain(sc));
      values.push_back(glass->equivalent_plastic_strain(sg));
      values.push_back(state[jump_norm_index]);
    }

    double
    HomogenisedLaminate::equivalent_plastic_strain(
      const std::vector<double> &state) const
    {
      return f_c * crystal->equivalent_plastic_strain(crystal_state(state)) +
             f_g * glass->equivalent_plastic_strain(glass_state(state));
    }

    unsigned int
    HomogenisedLaminate::diffusing_state_index() const
    {
      constexpr unsigned int none = std::numeric_limits<unsigned int>::max();
      if (glass->diffusing_state_index() != none)
        return glass_offset() + glass->diffusing_state_index();
      if (crystal->diffusing_state_index() != none)
        return crystal_offset() + crystal->diffusing_state_index();
      return none;
    }

    double
    HomogenisedLaminate::diffusivity() const
    {
      constexpr unsigned int none = std::numeric_limits<unsigned int>::max();
      if (glass->diffusing_state_index() != none)
        return glass->diffusivity();
      if (crystal->diffusing_state_index() != none)
        return crystal->diffusivity();
      return 0.;
    }

    double
    HomogenisedLaminate::diffusivity_at(const std::vector<double> &state) const
    {
      constexpr unsigned int none = std::numeric_limits<unsigned int>::max();
      if (glass->diffusing_state_index() != none)
        return glass->diffusivity_at(glass_state(state));
      if (crystal->diffusing_state_index() != none)
        return crystal->diffusivity_at(crystal_state(state));
      return 0.;
    }

    double
    HomogenisedLaminate::shear_modulus() const
    {
      return f_c * crystal->shear_modulus() + f_g * glass->shear_modulus();
    }

    MICROPILLAR_REGISTER_MODEL(
      HomogenisedLaminate,
      "homogenised laminate",
      "Rank-one crystal-glass laminate point (model-spec §0): a crystal and a "
      "glass sub-model (entries Crystal model / Glass model, parameters in "
      "subsections Crystal / Glass) share the in-plane deformation, differ by "
      "a jump a⊗N0 solved from traction continuity by a local Newton; "
      "volume-averaged stress and exact consistent tangent.")
  } // namespace constitutive
} // namespace micropillar
