// Finite-strain, rate-dependent crystal plasticity for the crystal layers
// and the nanocrystalline reference (model-spec §1-3), prm name
// "crystal plasticity".
//
// Kinematics and elasticity: F = Fe Fp, Ee = ½(FeᵀFe − I), S = ℂ:Ee with ℂ
// in the lattice frame (cubic or hexagonal). The orientation R is folded
// into the initial plastic deformation, Fp0 = Rᵀ (as in DAMASK), so slip
// systems and ℂ never need rotating during an update; P = Fe S Fp⁻ᵀ.
//
// Flow: γ̇α = γ̇0 |τα/gα|ⁿ sgn τα with τα = S:(s0α⊗m0α) (Kalidindi et al.
// 1992, as in PRISMS-Plasticity: it differs from the Mandel form by O(|Ee|),
// i.e. < 2 % at 3 GPa, and keeps the local problem a function of S alone).
//
// Strength: gα = rα + τ_b,α with rα = τ0,family + g_d,α evolving by
// Kalidindi-Bronkhorst-Anand hardening (MOOSE's
// CrystalPlasticityKalidindiUpdate) and the boundary barrier τ_b,α that
// combines τ_HP = k/√d with the crystal-glass interface term τ_int,α of
// model-spec §2 (on the current layer thickness h = h0/|F⁻ᵀN0| and the
// current slip-plane angle).
//
// Where the interface term acts: only in a finite layer bounded by an
// interface (PointContext::layer_has_interface: a neighbouring layer of
// another material, crystal next to glass). A single-material pillar is one
// "layer" as tall as the pillar, bounded by the punch and its foot, which do
// not confine loops: it gets τ_int = 0 (issue 14, item 2).
//
// How the two terms combine ("Interface barrier/Combination with
// Hall-Petch"): both are the stress to operate the SAME dislocation loop in
// the same confining box, a columnar grain of diameter d inside a layer of
// thickness h. Misra, Hirth & Hoagland (2005, Acta Mater. 53, 4817) and,
// before them, Anderson, Foecke & Hazzledine (1999, MRS Bull. 24(2), 27)
// describe Hall-Petch pile-ups and confined-layer slip as successive
// regimes of one loop as the confining length falls (pile-ups while they
// fit, a single loop bowing in the channel below some tens of nm), selected
// by the length scale, not as additive obstacles: the loop must bow to the
// shorter side of its box, whose stress is the larger of the two. Default
// `maximum`: τ_b = max(τ_HP, τ_int). `root sum square`,
// τ_b = √(τ_HP² + τ_int²), is the superposition of two distinct obstacle
// populations of comparable strength (Kocks, Argon & Ashby 1975, Prog.
// Mater. Sci. 19, §8; Ardell 1985, Metall. Trans. A 16, 2131) and lies
// between; `sum` is the former upper estimate, kept for comparison only.
//
// Grain coarsening (issue 14, item 1; "Grain coarsening" entries, OFF by
// default): the softening of nanocrystalline FCC metals under deformation.
// Mechanism: stress-driven grain-boundary migration (shear-coupled boundary
// motion, Cahn, Mishin & Suzuki 2006, Acta Mater. 54, 4953) coarsens
// nanocrystalline grains during plastic flow, observed at room temperature
// and below in Cu and Ni under indentation (Zhang, Weertman & Eastman 2004,
// Appl. Phys. Lett. 85, 5197; 2005, 87, 061921), in Al films in tension
// (Gianola et al. 2006, Acta Mater. 54, 2253; Rupert, Gianola, Gan & Hemker
// 2009, Science 326, 1686: driven by shear stress, not by heat), and inside
// the shear bands of nanocrystalline alloy pillars and films (Khalajhedayati
// & Rupert 2015, Sci. Rep. 5, 10663). Below ~30 nm the boundary barrier
// (Hall-Petch) is most of the strength, so coarsening lowers it with plastic
// work, and a point that flows more coarsens more: a softening that
// localises. Law: the grain-growth kinetics of Burke & Turnbull,
// d^n − d0^n ∝ t, with the boundary-sweeping plastic strain as the clock
// instead of time (boundaries migrate as the grains shear, not by
// diffusion): the effective grain size d of a point (state variable,
// starting at the microstructure's mean size d0) follows
//   d^n = d0^n (1 + εp/ε_c)   ⇔   ḋ = d0^n ε̇p / (n ε_c d^(n−1)),
// εp the point's equivalent plastic strain, n the growth exponent (2:
// parabolic; larger n: growth slowing as the grains coarsen) and ε_c the
// plastic strain that multiplies d^n by two; the Hall-Petch term is k/√d.
// It is integrated exactly per sub-step (d_{k+1}^n = d_k^n + d0^n Δεp/ε_c)
// and, like the other strengths, held at the sub-step start during the
// implicit update (no term in the tangent). Dislocation
// absorption at boundaries (little storage) is the other half of the
// picture; it is expressed by a small KBA hardening modulus, not a new law.
//
// Integration of one (sub)step [t_n, t_n+1] (documented choice):
//  - strengths gα are held at their start-of-(sub)step values (the barrier
//    from F and Fe at the sub-step start) and rα is updated after the step
//    with the implicit slip increments: rα,n+1 = rα,n + Σβ qαβ hβ(r_n)|Δγβ|;
//  - the stress S solves R(S) = S − ℂ:Ee(S) = 0 by Newton with a
//    backtracking line search, where Δγα(S) = Δt γ̇α(τα(S)) and
//    Fp⁻¹_n+1 = Fp⁻¹_n exp(−Σ Δγα s0α⊗m0α) (exponential map by a Taylor
//    series truncated where |A|^K/K! < 1e-18, K ≤ 10, so det Fp = 1 to
//    round-off; map and derivative are the same truncated series, so the
//    tangent is exact). The Newton starts from the stress of the sub-step
//    start, scaled back onto the flow surface if it lies far outside;
//  - sub-stepping (halving, then doubling again, F interpolated linearly)
//    when the Newton fails or max|Δγ| exceeds "Maximum slip increment"
//    ("Sub-step rule = adaptive", the default). That count is chosen anew
//    at every call, so it is a discontinuous function of F: within one
//    global Newton solve a point that switches between one and two
//    sub-steps makes the residual jump by its time-integration error
//    (issue 16). "Sub-step rule = per step" freezes it: m equal sub-steps
//    per phase, m = 1, 2, 4, ... the smallest that converges with max|Δγ|
//    <= the limit, chosen at the first update of a load-step attempt
//    (Model::start_step() clears it) and stored in the state; later
//    updates of the attempt reuse m and double it only when a sub-step's
//    local Newton fails or max|Δγ| exceeds 1.5x the limit (m only grows,
//    so a point can jump at most log2(Maximum substeps) times per
//    attempt, and the factor 1.5 keeps points that sit at the limit from
//    growing on round-off). Within an attempt the residual is then a smooth
//    function of the displacement except at those growths;
//  - the consistent tangent dP/dF is analytic for a single step; with
//    more than one sub-step (issue 16) it chains the sensitivities to F of
//    every sub-step's end state: F_a = F_n + θ (F − F_n) moves with F, so
//    dS of each sub-step solves J dS = Ĉ:sym(Feᵀ dA_tr E) + L vec(Σα
//    ∂Δγα/∂gα dgα Nα) (dA_tr from dF and the carried dFp⁻¹), and dFp⁻¹,
//    drα (hardening) and dd (coarsening) are carried to the next
//    sub-step; dgα/dF of the barrier (layer thickness and slip-plane angle
//    at F_a, Fp⁻¹; Hall-Petch on d) is a central difference of the
//    closed-form barrier (relative error ~1e-10). The tangent is then
//    exact to the local tolerance like the single-step one; systems with
//    dΔγ/dτ·C11 < 1e-9 are left out of the Jacobian (relative effect <
//    1e-9);
//  - the barrier is evaluated explicitly at the sub-step start (from F_n
//    for a single step, which then needs no barrier term in the tangent).
//
// HCP→FCC transformation (model-spec §3): the FCC fraction f grows by
//   ḟ = (1 − f) Σk (γ̇0,tr/γ_tr) ⟨τk/τc,tr⟩^ntr
// over the six basal Shockley-partial directions a/3<1-100> (the first
// option of model-spec §3; τc,tr ≈ Γ_sf/b_p plus the basal plane's
// Hall-Petch and interface barriers combined by the same rule as for slip),
// integrated explicitly from the
// converged old step (f_n+1 = 1 − (1 − f_n) exp(−Δt Σ rates)), so f is
// constant during the implicit update and the tangent needs no df/dF term.
// The transformation shear γ_tr Δf_k s_k⊗c is added to the parent's Fp (as
// DAMASK's dislotwin adds twin shear to Lp); the new product volume
// inherits the parent's Fp in Shoji-Nishiyama orientation and the initial
// FCC strengths, mixed by volume into the product's state. Mixing is
// iso-strain (DAMASK's isostrain homogenisation):
//   P = (1 − f) P_hcp + f P_fcc,  dP/dF likewise.
#ifndef micropillar_constitutive_crystal_crystal_plasticity_h
#define micropillar_constitutive_crystal_crystal_plasticity_h

#include <array>
#include <deal.II/base/parameter_handler.h>
#include <micropillar/constitutive/crystal/lattice.h>
#include <micropillar/constitutive/crystal/microstructure.h>
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
      /// Largest number of slip systems of one phase (HCP: 30).
      constexpr unsigned int max_systems = 30;

      /// How the Hall-Petch and the interface barrier combine (file
      /// comment).
      enum class BarrierCombination
      {
        maximum,
        root_sum_square,
        sum
      };

      /// τ_b from τ_HP and τ_int [MPa] by @p rule: max(τ_HP, τ_int),
      /// √(τ_HP² + τ_int²) or τ_HP + τ_int.
      double
      combine_barriers(double                   tau_hall_petch,
                       double                   tau_interface,
                       const BarrierCombination rule);

      class CrystalPlasticity : public Model
      {
      public:
        /// Strength and KBA hardening of one slip family [MPa].
        struct FamilyParameters
        {
          bool   active = true;
          double tau0   = 100.; // initial CRSS τ0
          double h0     = 500.; // hardening modulus
          double gsat   = 300.; // saturation strength
          double a      = 2.;   // hardening exponent
        };

        /// One phase (HCP parent or FCC).
        struct PhaseParameters
        {
          // Elastic constants [MPa]; C13, C33 only for HCP.
          double C11 = 0., C12 = 0., C13 = 0., C33 = 0., C44 = 0.;
          double lattice_parameter = 2.5e-4; // a [µm]
          double c_over_a          = 1.623;  // HCP only
          double gamma_dot_0       = 1e-3;   // [1/s]
          double rate_exponent     = 20.;
          double latent_hardening  = 1.4; // q for non-coplanar systems
          double hall_petch        = 0.;  // k [MPa µm^½] (resolved)
          std::vector<FamilyParameters> families;
        };

        struct Parameters
        {
          Parameters();

          /// "HCP" or "FCC".
          std::string initial_phase = "HCP";
          /// HCP→FCC transformation on (only with initial phase HCP).
          bool            transformation = true;
          PhaseParameters hcp, fcc;

          // Transformation kinetics.
          double tr_crss     = 150.; // τc,tr [MPa]
          double tr_rate     = 1e-3; // γ̇0,tr [1/s]
          double tr_exponent = 20.;
          double tr_shear    = 0.35355339059327373; // γ_tr = 1/(2√2)

          // Interface barrier (model-spec §2).
          double barrier_shear_modulus = 87000.; // μ [MPa]
          double barrier_poisson       = 0.3;    // ν
          double cls_alpha             = 0.5;    // α_c (0: CLS term off)
          double interface_beta        = 0.;     // β in β μ b / h
          double interface_stress      = 0.;     // f_int [N/m]
          double interface_spacing     = 0.;     // λ_int [µm] (0: off)
          /// Grain coarsening (file comment): characteristic plastic strain
          /// ε_c [-] (0: off) and growth exponent n [-].
          double coarsening_strain   = 0.;
          double coarsening_exponent = 2.;
          /// Rule that combines τ_HP and τ_int (see the file comment).
          BarrierCombination barrier_combination = BarrierCombination::maximum;

          Microstructure::Parameters microstructure;

          // Numerics.
          double       max_slip_increment = 0.01;
          unsigned int max_substeps       = 256;
          /// false: "adaptive" (halve/double per call); true: "per step"
          /// (m equal sub-steps frozen per load-step attempt; file comment).
          bool         substeps_per_step     = false;
          double       newton_tolerance      = 1e-12; // × C11
          unsigned int max_newton_iterations = 40;
        };

        static void
        declare_parameters(dealii::ParameterHandler &prm);

        /// Parse and validate the subsection "crystal plasticity" (the
        /// caller has entered it).
        explicit CrystalPlasticity(dealii::ParameterHandler &prm);

        explicit CrystalPlasticity(const Parameters &parameters);

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

        /// "Sub-step rule = per step": forget the sub-step counts of the
        /// last attempt (the next update chooses them anew).
        void
        start_step(std::vector<double> &new_state) const override;

        /// update() with each phase's sub-step count held at m[phase] for
        /// a caller that needs the response continuous in F over several
        /// updates of one solve, whatever the Sub-step rule: m[k] = 0 lets
        /// the update choose the smallest power of 2 that meets the slip
        /// limit; a held count accepts up to 1.5x the limit and doubles
        /// when a sub-step fails or the slip passes that ("per step" rule),
        /// up to the larger of @p max_substeps and the prm's Maximum
        /// substeps.
        /// The counts used are written back to m. The homogenised
        /// laminate's fallback solve (issue 13): with the adaptive rule the
        /// count switches with F and the crystal's traction jumps where it
        /// does, which stalled the laminate's jump Newton.
        void
        update_with_substeps(const Tensor2             &F,
                             const Tensor2             &F_old,
                             const double               dt,
                             const std::vector<double> &old_state,
                             std::vector<double>       &new_state,
                             UpdateResult              &result,
                             unsigned int               m[2],
                             unsigned int               max_substeps = 0) const;

        /// grain_id, orientation_phi1/Phi/phi2 [deg, Bunge, parent phase],
        /// c_axis_z (sample z-component of the parent's lattice z axis),
        /// fcc_fraction, layer_thickness_ratio (h/h0; 1 outside layers),
        /// accumulated_slip (volume average of Σα∫|γ̇α|dt), grain_size
        /// (volume average of the effective grain size d [µm]; d0 unless
        /// grain coarsening is on; 0 for a single crystal).
        std::vector<std::string>
        output_names() const override;

        /// false for grain_id and the three Euler angles (identifiers).
        bool
        output_is_averaged(const unsigned int k) const override;

        void
        output_values(const std::vector<double> &state,
                      std::vector<double>       &values) const override;

        /// Volume average over the phases of ∫ √(2/3) |sym Lp| dt, the von
        /// Mises equivalent of the plastic stretching.
        double
        equivalent_plastic_strain(
          const std::vector<double> &state) const override;

        /// Voigt average (C11 − C12 + 3 C44)/5 of the initial phase [MPa].
        double
        shear_modulus() const override;

        /// The lattice stiffness of each phase rotated by the rotation of
        /// its Fe = F Fp⁻¹ (polar decomposition) into the current frame,
        /// mixed iso-strain as the stresses, (1 − f) ℂ_hcp + f ℂ_fcc: the
        /// metric of the orthogonal fracture split. τ = Fe (ℂ:Ee) Feᵀ
        /// differs from R(ℂ:Ee)Rᵀ by O(|Ee|), and the phases' elastic
        /// strains differ, so it is the point's stiffness to O(|Ee|) (~1 %).
        /// The frozen (dt = 0) update with the orthogonal split in each
        /// phase's lattice frame: S = ℂ:Ee, Ŝ = ℂ^−½ S = ℂ^½ Ee split by
        /// its principal values, S_d = S − (1 − g) ℂ^½⟨Ŝ⟩₊, P = Σ w Fe S_d
        /// Fp⁻ᵀ: the derivative of g ψ⁺ + ψ⁻ of ½ Ee:ℂ:Ee exactly at any
        /// elastic strain (Fp fixed, so dFe = dF Fp⁻¹).
        bool
        degraded_elastic_update(const Tensor2             &F,
                                const std::vector<double> &state,
                                const double               g,
                                UpdateResult              &result,
                                double &psi_plus) const override;

        bool
        elastic_stiffness(const Tensor2                 &F,
                          const std::vector<double>     &state,
                          dealii::SymmetricTensor<4, 3> &C) const override;

        // ---- diagnostics (tests, not for the hot path) ----
        enum class Phase
        {
          hcp = 0,
          fcc = 1
        };

        /// Sub-step count m of @p phase stored in @p state ("per step"
        /// rule; 0: not chosen yet, or the adaptive rule).
        unsigned int
        substep_count(Phase phase, const std::vector<double> &state) const;

        /// Whether @p phase has a state block.
        bool
        has_phase(Phase phase) const;

        /// Number of active slip systems of @p phase.
        unsigned int
        n_systems(Phase phase) const;

        /// Family index of each active system of @p phase.
        std::vector<unsigned int>
        system_families(Phase phase) const;

        /// Resolved shear stresses τα = S:(s0α⊗m0α) [MPa] of @p phase at F.
        std::vector<double>
        resolved_shear_stresses(Phase                      phase,
                                const Tensor2             &F,
                                const std::vector<double> &state) const;

        /// Resolved shear stresses on the six basal partial directions of
        /// the HCP parent at F [MPa].
        std::array<double, 6>
        partial_shear_stresses(const Tensor2             &F,
                               const std::vector<double> &state) const;

        /// Effective grain size d [µm] of @p phase in @p state.
        double
        grain_size(Phase phase, const std::vector<double> &state) const;

        /// Equivalent plastic strain εp of @p phase in @p state.
        double
        phase_plastic_strain(Phase                      phase,
                             const std::vector<double> &state) const;

        /// Slip strengths gα = rα + τ_b,α [MPa] of @p phase as the update
        /// uses them at the start of a step from F (Hall-Petch and, in a
        /// layer with an interface, the interface barrier on the current
        /// layer thickness and slip-plane angle).
        std::vector<double>
        slip_strengths(Phase                      phase,
                       const Tensor2             &F,
                       const std::vector<double> &state) const;

        /// The interface barrier τ_int [MPa] of model-spec §2 for a current
        /// layer thickness @p h [µm], slip-plane/interface angle with sine
        /// @p sin_phi and Burgers vector length @p b [µm].
        double
        interface_barrier(double h, double sin_phi, double b) const;

        /// Accumulated signed slip ∫γ̇α dt of each system of @p phase.
        std::vector<double>
        slips(Phase phase, const std::vector<double> &state) const;

        const Parameters &
        get_parameters() const
        {
          return prm;
        }

        /// Precomputed data of one phase (public only for the .cc helpers).
        struct PhaseData
        {
          bool         present = false;
          unsigned int n       = 0;
          unsigned int offset  = 0; // start of the phase block in the state
          std::array<Tensor2, max_systems>               N;  // s0⊗m0
          std::array<std::array<double, 6>, max_systems> Pw; // τ = Pw·S
          /// vec(N) ⊗ Pw, row-major 9 x 6 (the local Jacobian's W).
          std::array<std::array<double, 54>, max_systems> NP;
          std::array<Vector3, max_systems>                m;
          std::array<double, max_systems>       burgers, tau0, h0, gsat, a;
          std::array<unsigned int, max_systems> family;
          std::array<std::array<double, max_systems>, max_systems> q;
          double Chat[6][6]; // S_voigt = Chat · E_tensor-components
          /// ℂ of the lattice frame with C^±½ (the metric of the
          /// orthogonal split of a frozen phase, degraded_elastic_update()),
          /// built once in setup().
          phase_field::StepStiffness lattice;
          double                     C11         = 0.;
          double                     gamma_dot_0 = 1e-3;
          double                     n_exp       = 20.;
          int    n_int         = 20; // n if integer (fast power), else -1
          double hall_petch    = 0.; // k [MPa µm^½]; τ_HP = k/√d
          double basal_burgers = 0.;
        };

      private:
        void
        setup();

        /// Outcome of update_phase().
        /// update() and update_with_substeps(): @p held null follows the
        /// Sub-step rule; otherwise the counts of update_with_substeps().
        void
        update_impl(const Tensor2             &F,
                    const Tensor2             &F_old,
                    const double               dt,
                    const std::vector<double> &old_state,
                    std::vector<double>       &new_state,
                    UpdateResult              &result,
                    unsigned int              *held,
                    unsigned int               max_held) const;

        enum class PhaseStatus
        {
          ok,
          failed,       // local Newton or sub-step limit: no result
          more_substeps // uniform sub-steps: a sub-step failed or exceeded
                        // the slip limit (caller doubles m)
        };

        /// One phase's update. @p uniform = 0: adaptive sub-steps with
        /// limit Maximum slip increment; @p uniform = m > 0: m equal
        /// sub-steps, max|Δγ| of each at most @p slip_limit.
        PhaseStatus
        update_phase(const PhaseData     &ph,
                     const Tensor2       &F_old,
                     const Tensor2       &F,
                     const double         dt,
                     const double         h0,
                     const Vector3       &N0,
                     const bool           interface,
                     const unsigned int   uniform,
                     const double         slip_limit,
                     std::vector<double> &new_state,
                     Tensor2             &P,
                     Tensor4             &A) const;

        /// gα at the start of a (sub)step: F_a, Fp⁻¹ and rα given.
        void
        strengths(const PhaseData &ph,
                  const Tensor2   &Fa,
                  const Tensor2   &Fpi,
                  const double    *r,
                  const double     d,
                  const double     h0,
                  const Vector3   &N0,
                  const bool       interface,
                  double          *g) const;

        Parameters             prm;
        Microstructure         microstructure;
        PhaseData              phases[2];
        Tensor2                sn; // Shoji-Nishiyama Q
        std::array<Vector3, 6> partials;
        double                 fcc_r0[max_systems];
        unsigned int           n_state_;
        /// Index of the HCP and FCC sub-step counts ("per step" rule; at
        /// the end of the state, absent with the adaptive rule).
        unsigned int i_substeps_ = 0;
      };
    } // namespace crystal
  }   // namespace constitutive
} // namespace micropillar

#endif
