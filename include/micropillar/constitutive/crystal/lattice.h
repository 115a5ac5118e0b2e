// Lattice geometry and elasticity for the crystal-plasticity model: slip
// systems of FCC and HCP crystals, Miller-Bravais conversion, cubic and
// hexagonal stiffness in Voigt form, orientations (Bunge Euler angles) and
// the Shoji-Nishiyama relation between the HCP parent and the FCC product.
//
// Frames: the "lattice frame" is Cartesian and attached to the crystal. For
// HCP, x is along a1 = 1/3[2-1-10] and z along c = [0001]; for FCC, x, y, z
// are the cube axes. A rotation R maps lattice-frame vectors to the sample
// frame: v_sample = R v_lattice.
#ifndef micropillar_constitutive_crystal_lattice_h
#define micropillar_constitutive_crystal_lattice_h

#include <array>
#include <deal.II/base/tensor.h>
#include <micropillar/constitutive/interface.h>
#include <string>
#include <vector>

namespace micropillar
{
  namespace constitutive
  {
    namespace crystal
    {
      using Vector3 = dealii::Tensor<1, 3, double>;
      /// The 3x3 identity.
      inline Tensor2
      identity()
      {
        Tensor2 I;
        I[0][0] = I[1][1] = I[2][2] = 1.;
        return I;
      }

      /// 6x6 matrix in Voigt order 11, 22, 33, 23, 13, 12.
      using Matrix6 = std::array<std::array<double, 6>, 6>;

      /// One slip (or transformation) system in the lattice frame.
      struct SlipSystem
      {
        /// Unit slip direction s0.
        Vector3 s;
        /// Unit slip-plane normal m0.
        Vector3 m;
        /// Burgers vector length [µm].
        double burgers = 0.;
        /// Family index (see hcp_family_names(), fcc_family_names()).
        unsigned int family = 0;
      };

      /// Miller-Bravais direction [uvtw] in the lattice frame, in units of
      /// the lattice parameter a, for the conventional 1/3<uvtw> vectors:
      /// (3u/2, (u+2v)√3/2, w c/a) / 3  (model-spec §1). t is checked to be
      /// -(u+v) only by the caller's tests.
      Vector3
      hcp_direction(int u, int v, int t, int w, double c_over_a);

      /// Miller-Bravais plane (hkil) normal (not normalised) in the lattice
      /// frame: (h, (h+2k)/√3, l/(c/a)) (model-spec §1).
      Vector3
      hcp_plane_normal(int h, int k, int i, int l, double c_over_a);

      /// Names of the HCP slip families, in family-index order: basal <a>
      /// (3), prismatic <a> (3), pyramidal <a> (6), pyramidal-I <c+a> (12),
      /// pyramidal-II <c+a> (6); the counts and indices follow DAMASK's
      /// lattice.f90.
      const std::vector<std::string> &
      hcp_family_names();

      /// Name of the single FCC family: octahedral {111}<110> (12).
      const std::vector<std::string> &
      fcc_family_names();

      /// All 30 HCP slip systems for c/a and lattice parameter a [µm].
      std::vector<SlipSystem>
      hcp_slip_systems(double c_over_a, double lattice_parameter);

      /// The 12 FCC {111}<110> systems for lattice parameter a [µm]
      /// (b = a/√2).
      std::vector<SlipSystem>
      fcc_slip_systems(double lattice_parameter);

      /// The six basal Shockley-partial directions a/3<1-100> (unit,
      /// lattice frame, all in the plane z = 0; the basal normal is e_z).
      std::array<Vector3, 6>
      hcp_partial_directions();

      /// Cubic stiffness [MPa] in Voigt form (engineering shear strains).
      Matrix6
      cubic_stiffness(double C11, double C12, double C44);

      /// Transversely isotropic (hexagonal) stiffness [MPa], c along z,
      /// C66 = (C11 - C12)/2.
      Matrix6
      hexagonal_stiffness(double C11,
                          double C12,
                          double C13,
                          double C33,
                          double C44);

      /// C'_ijkl = R_ia R_jb R_kc R_ld C_abcd in Voigt form (not on the hot
      /// path: the update works in the lattice frame).
      Matrix6
      rotate_stiffness(const Matrix6 &C, const Tensor2 &R);

      /// Active rotation R = Rz(phi1) Rx(Phi) Rz(phi2) (Bunge, angles in
      /// rad), mapping lattice to sample vectors.
      Tensor2
      euler_to_rotation(double phi1, double Phi, double phi2);

      /// Inverse of euler_to_rotation(); angles in rad.
      std::array<double, 3>
      rotation_to_euler(const Tensor2 &R);

      /// Rotation of angle [rad] about a (not necessarily unit) axis.
      Tensor2
      axis_angle_rotation(const Vector3 &axis, double angle);

      /// Shoji-Nishiyama relation: Q maps FCC-lattice vectors to HCP-
      /// lattice vectors, with (111)fcc ∥ (0001)hcp and [1-10]fcc ∥
      /// [11-20]hcp (one of the variants). The product orientation is
      /// R_fcc = R_hcp Q.
      Tensor2
      shoji_nishiyama();

      /// h/h0 = 1/|F^-T N0| (Nanson's formula for a material plane of
      /// reference unit normal N0): the current over the reference
      /// thickness of a layer.
      double
      layer_thickness_ratio(const Tensor2 &F, const Vector3 &N0);
    } // namespace crystal
  }   // namespace constitutive
} // namespace micropillar

#endif
