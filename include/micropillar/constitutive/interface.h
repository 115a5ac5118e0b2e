// The material-point interface of micropillar.
//
// A constitutive model maps (F_{n+1}, F_n, dt, state_n) to (P, dP/dF,
// state_{n+1}). It is const and reentrant: all history lives in the state
// vector passed in and out, so one model object serves every quadrature
// point on every thread. It knows nothing of DoFs, FEValues or MPI, which
// is why every model can be unit-tested without a mesh (tests/unit/).
//
// Conventions
//  - units: MPa for stresses and moduli, s for time, µm for lengths;
//  - P is the first Piola-Kirchhoff stress, P_iJ;
//  - the tangent is A_iJkL = dP_iJ / dF_kL (the full consistent tangent of
//    the algorithm, not the continuum one);
//  - the state is a flat vector of doubles of length n_state(); it is
//    stored twice per point (old/new) by the solver, "new" becomes "old"
//    only when a load step converges, and it is what checkpoints store.
#ifndef micropillar_constitutive_interface_h
#define micropillar_constitutive_interface_h

#include <deal.II/base/point.h>
#include <deal.II/base/symmetric_tensor.h>
#include <deal.II/base/tensor.h>
#include <limits>
#include <string>
#include <vector>

namespace micropillar
{
  namespace constitutive
  {
    using Tensor2 = dealii::Tensor<2, 3, double>;
    using Tensor4 = dealii::Tensor<4, 3, double>;

    /**
     * Where a material point sits; fixed when the state is initialised.
     * Models use it for mesh-independent microstructure (grain lookup by
     * reference position) and for interface barriers (layer thickness).
     */
    struct PointContext
    {
      /// Reference (undeformed) position [µm].
      dealii::Point<3> X;
      /// Material id of the cell holding the point.
      unsigned int material_id = 0;
      /// Index of the layer in the stack, counted from the pillar bottom;
      /// invalid when the point is not in a layer stack (e.g. in the base).
      unsigned int layer_index = std::numeric_limits<unsigned int>::max();
      /// Reference thickness h0 of that layer [µm]; 0 when not in a stack.
      /// A single-material pillar is one "layer" as tall as the pillar.
      double layer_thickness = 0.;
      /// Whether that layer is bounded by an interface: a neighbouring layer
      /// of the stack (below or above) is of another material (crystal next
      /// to glass). False for a single-material pillar (one layer as tall as
      /// the pillar, bounded only by the punch and the foot), for the base
      /// and outside any stack. Interface barriers (confined-layer slip,
      /// β μb/h) act only where this is true: a free surface or the punch
      /// is not an interface that confines dislocation loops.
      bool layer_has_interface = false;
      /// Reference unit normal N0 of the layers (the pillar axis).
      dealii::Tensor<1, 3> layer_normal = dealii::Tensor<1, 3>({0., 0., 1.});
    };

    /// The result of one material-point update.
    struct UpdateResult
    {
      /// First Piola-Kirchhoff stress [MPa].
      Tensor2 P;
      /// Consistent tangent dP_iJ/dF_kL [MPa].
      Tensor4 dP_dF;
      /// false when the local integration failed: the solver then cuts the
      /// load step back; P, dP_dF and the new state are not to be used.
      bool converged = true;
    };

    /// Trial evaluations (Newton/Material fallbacks in line search = last
    /// trial only): while true, a model may skip its costly fallback
    /// integrations and report no convergence at once; the solver then
    /// halves the trial step, and its last line-search trial is always
    /// evaluated in full. A model that converges without its fallbacks
    /// returns the same result either way (HomogenisedLaminate::solve: the
    /// fallbacks run only after every plain attempt failed), so only which
    /// trial steps are accepted changes, not what a converged state is.
    /// One flag per process (the assembly is not threaded).
    bool
    trial_evaluation();
    /// Sets trial_evaluation() for its lifetime (restores the old value).
    class TrialEvaluationScope
    {
    public:
      explicit TrialEvaluationScope(const bool trial);
      ~TrialEvaluationScope();
      TrialEvaluationScope(const TrialEvaluationScope &) = delete;
      TrialEvaluationScope &
      operator=(const TrialEvaluationScope &) = delete;

    private:
      bool previous;
    };

    /// Diagnostic: true while the solver evaluates the one quadrature
    /// point named by MICROPILLAR_DEBUG_TRACE_POINT="x y z q" (its cell
    /// centre in µm and its index; solver/assembly.cc); a model may then
    /// print how it reached its result to std::cerr (the homogenised
    /// laminate prints which of its attempts solved and the crystal's
    /// sub-step counts). One flag per process, as trial_evaluation().
    bool &
    debug_trace();

    /**
     * Abstract material-point update. See the file comment.
     */
    class Model
    {
    public:
      virtual ~Model() = default;

      /// Number of doubles in the per-point state vector.
      virtual unsigned int
      n_state() const = 0;

      /// Write the initial state of a point at @p context into @p state
      /// (already sized n_state()). Must depend on the context only, never
      /// on the partition or the order of calls (rank independence).
      virtual void
      initialise_state(const PointContext  &context,
                       std::vector<double> &state) const = 0;

      /// The stress update from F_old to F over the time step dt [s].
      virtual void
      update(const Tensor2             &F,
             const Tensor2             &F_old,
             const double               dt,
             const std::vector<double> &old_state,
             std::vector<double>       &new_state,
             UpdateResult              &result) const = 0;

      /// Called by the solver on the new state of every point at the start
      /// of each load-step attempt (before its predictor), so that a model
      /// may hold a choice fixed for the whole Newton solve of the attempt
      /// (the crystal's sub-step count, "Sub-step rule = per step"). The
      /// default does nothing.
      virtual void
      start_step(std::vector<double> & /*new_state*/) const
      {
      }

      /// Names of the scalar fields derived from the state that go to the
      /// field output (e.g. "fcc_fraction", "free_volume").
      virtual std::vector<std::string>
      output_names() const
      {
        return {};
      }

      /// Whether the volume average of output @p k (index into
      /// output_names()) means something; false for identifiers such as a
      /// grain number or Euler angles. Such outputs go to the field files
      /// only, not to the averages of stress_strain.csv.
      virtual bool
      output_is_averaged(const unsigned int /*k*/) const
      {
        return true;
      }

      /// Values of the fields named by output_names(), same order.
      virtual void
      output_values(const std::vector<double> & /*state*/,
                    std::vector<double> &values) const
      {
        values.clear();
      }

      /// Equivalent (von Mises) plastic strain of the state; 0 for
      /// elastic models.
      virtual double
      equivalent_plastic_strain(const std::vector<double> & /*state*/) const
      {
        return 0.;
      }

      /// Index in the state vector of a variable that diffuses between
      /// material points (the glass's free volume), or
      /// numbers::invalid_unsigned_int (the default) for none. The solver
      /// then adds, after the local update of each converged step, the
      /// diffusion  dv/dt = div(diffusivity() grad v)  of that variable over
      /// the cells of this model, as a second finite-element field with
      /// zero flux at their boundary (solver/state_diffusion.h).
      virtual unsigned int
      diffusing_state_index() const
      {
        return std::numeric_limits<unsigned int>::max();
      }

      /// Reference diffusivity D of that variable [µm^2/s]; > 0 switches
      /// the diffusion on.
      virtual double
      diffusivity() const
      {
        return 0.;
      }

      /// Diffusivity [µm^2/s] at a material point with the (new, converged)
      /// state @p state: by default the constant diffusivity(). A model may
      /// let it follow the state (the glass: D = l^2 max(nu_D, gdot), the
      /// local atomic jump rate), which StateDiffusion evaluates at every
      /// quadrature point.
      virtual double
      diffusivity_at(const std::vector<double> & /*state*/) const
      {
        return diffusivity();
      }

      /// The elastic stiffness C [MPa] of a point in the current frame, at
      /// the deformation @p F with the state @p state: the Kirchhoff stress
      /// of a small elastic strain from there is tau ~ C : eps_e. Used by
      /// the orthogonal energy split of phase-field fracture
      /// (constitutive/phase_field.h), the metric of its crack-driving
      /// energy. Default: false, the model is elastically isotropic and the
      /// split uses its isotropic moduli; an anisotropic model (the
      /// crystal) writes C and returns true.
      virtual bool
      elastic_stiffness(const Tensor2 & /*F*/,
                        const std::vector<double> & /*state*/,
                        dealii::SymmetricTensor<4, 3> & /*C*/) const
      {
        return false;
      }

      /// The elastic (dt = 0, plastic state frozen) update at @p F from
      /// @p state with the orthogonal split of phase-field fracture applied
      /// to the model's own hyperelastic energy, exactly at any elastic
      /// strain: P and dP/dF of g psi+ + psi- in @p result, psi+ [MPa] in
      /// @p psi_plus. For a phase broken and frozen (Fracture/Broken phase
      /// degradation), whose elastic strain the crack opening can make
      /// O(1) or larger, where a split read from the Kirchhoff stress
      /// through a small-strain C is no longer an energy. Default: false
      /// (not available; the caller degrades the update's result).
      virtual bool
      degraded_elastic_update(const Tensor2 & /*F*/,
                              const std::vector<double> & /*state*/,
                              const double /*g*/,
                              UpdateResult & /*result*/,
                              double & /*psi_plus*/) const
      {
        return false;
      }

      /// An estimate of the small-strain shear modulus [MPa], used by the
      /// solver only to scale tolerances and penalty-free preconditioners.
      virtual double
      shear_modulus() const = 0;
    };
  } // namespace constitutive
} // namespace micropillar

#endif
