// Homogenised crystal-glass laminate point (prm name "homogenised
// laminate"), model-spec §0.
#ifndef micropillar_constitutive_laminate_h
#define micropillar_constitutive_laminate_h

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/tensor.h>
#include <memory>
#include <micropillar/constitutive/interface.h>
#include <micropillar/constitutive/phase_field.h>
#include <string>
#include <vector>

namespace micropillar
{
  namespace constitutive
  {
    namespace crystal
    {
      class CrystalPlasticity;
    }

    /**
     * Rank-one laminate [textbook; e.g. the laminate homogenisation of
     * DAMASK's RGC scheme in its simplest, one-interface form]: one material
     * point holds a crystal sub-point (volume fraction f_c) and a glass
     * sub-point (f_g = 1 - f_c), layered with the reference unit normal N0.
     * The phases share the in-plane deformation and differ by a rank-one
     * jump a (a spatial vector, dimensionless like F):
     *
     *   F_c = F + f_g a⊗N0,   F_g = F - f_c a⊗N0   (f_c F_c + f_g F_g = F),
     *
     * and a follows from traction continuity across the layers,
     *
     *   r(a) = (P_c(F_c) - P_g(F_g)) N0 = 0,
     *   dr/da = K = f_g Q_c + f_c Q_g,   Q_ik = A_iJkL N0_J N0_L
     *
     * (the acoustic tensors of the sub-models' consistent tangents A), solved
     * by a local Newton with a backtracking line search on |r|; retries
     * start from a = 0 and with a capped step before the update reports
     * converged = false. The response is the volume average
     *
     *   P = f_c P_c + f_g P_g,
     *   dP/dF = f_c A_c + f_g A_g - f_c f_g C K^-1 B,
     *   C_iJk = (A_c - A_g)_iJkL N0_L,  B_pmn = (A_c - A_g)_pQmn N0_Q,
     *
     * the exact linearisation of the algorithm (implicit differentiation of
     * r(a(F), F) = 0), as consistent as the sub-models' tangents are.
     *
     * History: the converged jump is stored in material form b = F^-1 a, so
     * the step from F_old starts from a_old = F_old b_old and the sub-models
     * see the consistent old deformations F_c,old = F_old + f_g a_old⊗N0,
     * F_g,old = F_old - f_c a_old⊗N0. (A spatial a in the state would not
     * rotate with a superposed rotation of F_old and would break
     * objectivity.) The Newton starts from F b_old.
     *
     * Limits worth knowing (tests/unit/laminate_test.cc): identical
     * sub-models give a = 0 and exactly the sub-model's response; elastic
     * layers give the series modulus along N0 and the parallel one in-plane;
     * rigid-plastic isochoric (J2) layers carry f_c Y_c + f_g Y_g along N0 as
     * well as in-plane, because the layers share the in-plane strain, hence
     * (isochoric flow) also the axial strain. Under an axial compression
     * σ > 0 along N0 the softer layer (Y_g < Y_c) is then held in in-plane
     * compression σ - Y_g and the harder one in in-plane tension
     * f_g/f_c (σ - Y_g), with σ = f_c Y_c + f_g Y_g once both flow
     * (model-spec §0: -0.9 / +0.6 GPa for the experiment's values).
     *
     * Per-point context: initialise_state() stores N0 =
     * PointContext::layer_normal (normalised) and gives the crystal
     * sub-model the context with layer_thickness = "Crystal layer thickness"
     * and the glass the context with "Glass layer thickness", so that
     * thickness-dependent barriers see the layer's h, not the cell's.
     *
     * State: [b (3), N0 (3), |a| (1), crystal sub-state, glass sub-state].
     *
     * If a sub-model names a diffusing state variable (the glass's free
     * volume, if it has one), the laminate forwards it (glass first): it
     * then diffuses over the homogenised body, an approximation that ignores
     * the layering.
     */
    class HomogenisedLaminate : public Model
    {
    public:
      using Tensor1 = dealii::Tensor<1, 3, double>;

      struct Parameters
      {
        /// Volume fraction f_c of the crystal layers [-].
        double crystal_fraction = 0.6;
        /// Reference thickness of a crystal layer [µm], passed to the
        /// crystal sub-model as PointContext::layer_thickness.
        double crystal_layer_thickness = 0.018;
        /// Reference thickness of a glass layer [µm], passed likewise.
        double glass_layer_thickness = 0.012;
        /// The local Newton has converged when |r| <= tolerance * mu_max,
        /// mu_max the larger of the sub-models' shear moduli.
        double tolerance = 1e-13;
        /// Accepted at the round-off floor of a noisy sub-model (line
        /// search cannot reduce |r| any more): |r| <= floor * mu_max.
        double noise_floor = 1e-8;
        /// Newton iterations per attempt.
        unsigned int max_iterations = 30;

        /// Throws ExcMessage listing every inconsistent entry.
        void
        check() const;
      };

      /// For tests and programmatic use: any two models. Neither may be
      /// null.
      HomogenisedLaminate(std::unique_ptr<Model> crystal,
                          std::unique_ptr<Model> glass,
                          const Parameters      &parameters);

      /// Parse the current subsection (Materials/<material name>); creates
      /// the sub-models named by "Crystal model" and "Glass model" inside
      /// the subsections "Crystal" and "Glass" through the Registry.
      explicit HomogenisedLaminate(dealii::ParameterHandler &prm);

      /// Declare the entries in the current subsection. The subsections
      /// "Crystal" and "Glass" receive the entries of the DEFAULT sub-models
      /// ("crystal plasticity" and "free volume glass"), because the names
      /// in the file are not known when entries are declared; choosing
      /// another sub-model in a parameter file therefore fails with a
      /// message saying so (use the C++ constructor instead).
      static void
      declare_parameters(dealii::ParameterHandler &prm);

      /// Default sub-model names.
      static const char *const default_crystal_model;
      static const char *const default_glass_model;

      unsigned int
      n_state() const override;

      void
      initialise_state(const PointContext  &context,
                       std::vector<double> &state) const override;

      void
      update(const Tensor2             &F,
             const Tensor2             &F_old,
             const double               dt,
             const std::vector<double> &old_state,
             std::vector<double>       &new_state,
             UpdateResult              &result) const override;

      /// Forwards to both sub-models on their slices of @p new_state (the
      /// crystal's "Sub-step rule = per step" clears its frozen count).
      /// update() starts every sub-model update from the sub-states of the
      /// attempt's last update, so such a choice is kept through the
      /// attempt.
      void
      start_step(std::vector<double> &new_state) const override;

      /// Phase-field fracture per phase (Fracture/Critical energy release
      /// rate naming `material/crystal` or `material/glass`;
      /// solver/damage_field.h): update() with each cracking phase's
      /// effective response degraded inside the point,
      ///   P_k <- phase_field::degrade(P_k(F_k), F_k, g, split, moduli_k),
      /// before traction continuity is solved, so the jump a, the volume
      /// average and the exact tangent (d fixed; the formula of the class
      /// comment with the degraded sub-tangents) are those of the degraded
      /// phases. @p psi_plus receives each phase's tensile energy psi+ of
      /// the split from its EFFECTIVE (undegraded) Kirchhoff stress at the
      /// converged jump [MPa per phase volume], for both phases whether
      /// they crack or not. With g = 1 the result is update()'s exactly.
      void
      update_degraded(const Tensor2                       &F,
                      const Tensor2                       &F_old,
                      const double                         dt,
                      const std::vector<double>           &old_state,
                      std::vector<double>                 &new_state,
                      UpdateResult                        &result,
                      const phase_field::PhaseDegradation &degradation,
                      double                               psi_plus[2]) const;

      /// The sub-models' names (prefixed "crystal_" / "glass_" where both
      /// use a name), then "crystal_equivalent_plastic_strain",
      /// "glass_equivalent_plastic_strain" and "laminate_jump_norm" (|a|).
      std::vector<std::string>
      output_names() const override;

      void
      output_values(const std::vector<double> &state,
                    std::vector<double>       &values) const override;

      /// The sub-models' flags (the laminate's own outputs are averaged).
      bool
      output_is_averaged(const unsigned int k) const override;

      /// Volume-weighted mean f_c ep_c + f_g ep_g.
      double
      equivalent_plastic_strain(
        const std::vector<double> &state) const override;

      unsigned int
      diffusing_state_index() const override;

      double
      diffusivity() const override;

      /// The diffusing sub-model's diffusivity_at() of its sub-state.
      double
      diffusivity_at(const std::vector<double> &state) const override;

      /// Voigt mean f_c mu_c + f_g mu_g [MPa].
      double
      shear_modulus() const override;

      // ---- diagnostics ----
      static constexpr unsigned int jump_index      = 0; // b = F^-1 a (3)
      static constexpr unsigned int normal_index    = 3; // N0 (3)
      static constexpr unsigned int jump_norm_index = 6; // |a|
      static constexpr unsigned int n_own_state     = 7;

      unsigned int
      crystal_offset() const
      {
        return n_own_state;
      }

      unsigned int
      glass_offset() const
      {
        return n_own_state + crystal->n_state();
      }

      /// The jump a = F b of a state reached at F.
      static Tensor1
      jump(const Tensor2 &F, const std::vector<double> &state);

      /// The layer normal N0 stored in a state.
      static Tensor1
      layer_normal(const std::vector<double> &state);

      /// The phase deformation gradients F_c, F_g of a state reached at F.
      void
      phase_deformations(const Tensor2             &F,
                         const std::vector<double> &state,
                         Tensor2                   &F_c,
                         Tensor2                   &F_g) const;

      /// The crystal / glass slices of a laminate state.
      std::vector<double>
      crystal_state(const std::vector<double> &state) const;
      std::vector<double>
      glass_state(const std::vector<double> &state) const;

      const Model &
      crystal_model() const
      {
        return *crystal;
      }

      const Model &
      glass_model() const
      {
        return *glass;
      }

      const Parameters &
      get_parameters() const
      {
        return parameters;
      }

    private:
      /// Sub-model results at one trial jump.
      struct Evaluation;

      bool
      evaluate(const Tensor1                       &a,
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
               Evaluation                          &e) const;

      /// update() and update_degraded() (@p degradation null: intact).
      void
      solve(const Tensor2                       &F,
            const Tensor2                       &F_old,
            const double                         dt,
            const std::vector<double>           &old_state,
            std::vector<double>                 &new_state,
            UpdateResult                        &result,
            const phase_field::PhaseDegradation *degradation,
            double                              *psi_plus) const;

      void
      setup();

      /// Diagnostic: with MICROPILLAR_DEBUG_LAMINATE_DUMP=FILE set, a
      /// failed point solve appends one line to FILE: g, dt, the split,
      /// the two phases' crack flags and moduli, F and F_old (row-wise),
      /// the state size n, the old state and the incoming new state (the
      /// format of tests/unit/laminate_runaway_test.cc).
      static void
      dump_failed_solve(const Tensor2                       &F,
                        const Tensor2                       &F_old,
                        double                               dt,
                        const std::vector<double>           &old_state,
                        const std::vector<double>           &new_state,
                        const phase_field::PhaseDegradation *degradation);

      std::unique_ptr<Model> crystal;
      std::unique_ptr<Model> glass;
      /// The crystal sub-model if it is crystal plasticity (its sub-step
      /// counts can be held over a fallback solve), else null.
      const crystal::CrystalPlasticity *crystal_plasticity = nullptr;
      /// Sub-steps allowed to the crystal in the fallback solve of a failed
      /// point (its counts held over the solve): the larger of this and the
      /// crystal's Maximum substeps, which bounds the cost of the ordinary
      /// solves (prm/laminate_fracture_phase.prm: 8).
      static constexpr unsigned int fallback_max_substeps = 256;
      Parameters                    parameters;
      double                        f_c, f_g;
      double                        stress_scale; // mu_max [MPa]
      std::vector<std::string>      names;
    };
  } // namespace constitutive
} // namespace micropillar

#endif
