// Grains as geometry: a mesh- and partition-independent grain lookup by
// reference position, for the crystal-plasticity model.
//
// The grain structure is a Voronoi tessellation of a "hashed jittered grid":
// space is cut into cubes (3D, equiaxed) or squares (2D in x-y, columnar)
// of edge s; each cell holds one seed at a position drawn from a hash of
// (seed, cell indices[, layer index]); a point belongs to the nearest seed.
// Because the full jitter puts a seed anywhere in its cell, the nearest seed
// lies at most two cells away, so 5^3 (5^2) cells are searched: the result
// is exact, infinite in extent, reproducible from the seed and independent
// of call order, mesh and MPI partition (no random-number generator state).
//
// Grain size: d is the equivalent-sphere (3D) or equivalent-circle (2D)
// diameter of the mean grain: one grain per cell gives s^3 = π d^3/6, i.e.
// s = d (π/6)^(1/3), and s^2 = π d^2/4, i.e. s = d √π/2.
//
// Orientations (lattice -> sample rotations R) per grain come from the same
// hash: uniform on SO(3) (Shoemake's quaternion method) or a fibre texture
// (crystal direction along a sample axis, tilted by a 2D Gaussian of
// standard deviation σ per component, uniform rotation about the fibre).
#ifndef micropillar_constitutive_crystal_microstructure_h
#define micropillar_constitutive_crystal_microstructure_h

#include <cstdint>
#include <micropillar/constitutive/crystal/lattice.h>
#include <micropillar/constitutive/interface.h>
#include <string>

namespace micropillar
{
  namespace constitutive
  {
    namespace crystal
    {
      /// splitmix64 finaliser (Steele, Lea, Flood 2014): a bijective 64-bit
      /// hash with good avalanche.
      std::uint64_t
      hash64(std::uint64_t x);

      class Microstructure
      {
      public:
        enum class Type
        {
          single_crystal,
          columnar,
          equiaxed
        };
        enum class Texture
        {
          fibre,
          random
        };

        struct Parameters
        {
          Type type = Type::single_crystal;
          /// Mean grain size d [µm] (see the file comment).
          double grain_size = 0.02;
          /// Seed of the hash.
          std::uint64_t seed    = 1;
          Texture       texture = Texture::fibre;
          /// Sample-frame fibre axis (need not be unit).
          Vector3 fibre_axis = Vector3({0., 0., 1.});
          /// Lattice-frame direction put along the fibre axis (c = [0001]
          /// is (0,0,1) for HCP; (1,1,1) gives a <111> fibre for FCC).
          Vector3 fibre_crystal_direction = Vector3({0., 0., 1.});
          /// Standard deviation of each tilt component [deg].
          double tilt_spread = 5.;
          /// Bunge Euler angles of the single crystal [deg].
          std::array<double, 3> euler_angles = {{0., 0., 0.}};
        };

        struct Grain
        {
          /// Grain id (0 for the single crystal), < 2^31.
          double id = 0.;
          /// Seed position of the grain [µm] (in x-y for columnar grains).
          Vector3 seed_position;
          /// Lattice -> sample rotation.
          Tensor2 R;
        };

        explicit Microstructure(const Parameters &parameters);

        /// The grain holding the point described by @p context.
        Grain
        lookup(const PointContext &context) const;

        /// Cell edge s of the jittered grid [µm].
        double
        cell_size() const
        {
          return s;
        }

        const Parameters &
        get_parameters() const
        {
          return prm;
        }

      private:
        Tensor2
        orientation(std::uint64_t h) const;

        Parameters prm;
        double     s;
      };
    } // namespace crystal
  }   // namespace constitutive
} // namespace micropillar

#endif
