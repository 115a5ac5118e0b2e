// Pillar geometry: the prm-driven generator (layer stack, taper, base block,
// fillet) and Gmsh import, with named boundary ids and one material id per
// layer. The pillar axis is z; the pillar bottom (top of the base block, if
// any) is at z = 0 and the punch face at z = height(). Besides the round
// pillar the generator builds a plane-strain strip (Cross-section = plane
// strain strip): a slab of width D in x and one cell in y whose y faces
// carry boundary_id::plane_strain (u_y = 0), i.e. a 2D plane-strain
// specimen inside the 3D solver, for verification and for mesh studies of
// shear bands that a 3D pillar cannot afford.
#ifndef micropillar_geometry_pillar_h
#define micropillar_geometry_pillar_h

#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/point.h>
#include <deal.II/grid/tria.h>
#include <map>
#include <micropillar/constitutive/interface.h>
#include <string>
#include <vector>

namespace micropillar
{
  namespace geometry
  {
    /// Boundary ids of every mesh micropillar uses (generated or imported).
    namespace boundary_id
    {
      constexpr dealii::types::boundary_id free_surface = 0;
      constexpr dealii::types::boundary_id punch        = 1;
      constexpr dealii::types::boundary_id bottom       = 2;
      /// Faces held at u_y = 0 (the two faces of a plane-strain strip).
      constexpr dealii::types::boundary_id plane_strain = 3;
    } // namespace boundary_id

    /// Manifold id of the lateral free surface of a generated pillar (and
    /// of its base block): a surface of revolution about the z axis, so that
    /// global refinement puts new boundary vertices on the true cone,
    /// cylinder or fillet instead of on the coarse polygon. Every other
    /// object is flat. Imported Gmsh meshes carry no manifold.
    namespace manifold_id
    {
      constexpr dealii::types::manifold_id free_surface = 1;
    } // namespace manifold_id

    /// Bounds of the coarse mesh, checked before anything is built.
    namespace mesh_bounds
    {
      /// Coarse cells (generated or in a Gmsh file): the coarse mesh is
      /// replicated on every MPI rank (serial Triangulation and p4est
      /// connectivity, about 2 kB per cell).
      constexpr double max_coarse_cells = 5e6;
      /// Smallest cell edge of the coarse mesh, relative to the top diameter:
      /// a smaller edge is a degenerate input (a 1e-12 fillet, a base radius
      /// a hair wider than the foot), not a resolution choice (the flagship
      /// laminate's thinnest cell is 1e-2 D).
      constexpr double min_edge_over_diameter = 1e-4;
      /// Largest ratio of the longest to the shortest edge of one coarse
      /// cell (the flagship laminate: about 25 at Lateral refinement 0).
      /// For thin layers this is the binding bound: layer thickness / Cells
      /// per layer >= lateral cell size / 1000.
      constexpr double max_aspect_ratio = 1e3;
    } // namespace mesh_bounds

    /// Check a Gmsh .msh file before deal.II reads it: ASCII format 2.2 or
    /// 4.x, complete sections ($MeshFormat, $Nodes, $Elements, each with
    /// its $End), and volume elements that are all hexahedra (a 2D-only
    /// mesh, tetrahedra, prisms or pyramids are refused: p4est would crash
    /// on them). Returns the number of hexahedra; throws one ExcMessage
    /// "Geometry/Mesh file = FILE: what is wrong" otherwise.
    std::size_t
    check_gmsh_file(const std::string &filename);

    /// One layer of the stack as built into the mesh.
    struct Layer
    {
      std::string  material;
      unsigned int material_id;
      double       z_bottom;  // [µm]
      double       thickness; // [µm]
    };

    class Pillar
    {
    public:
      /// Declare the entries of subsection "Geometry".
      static void
      declare_parameters(dealii::ParameterHandler &prm);

      /// Read subsection "Geometry". @p material_ids maps the material
      /// names that may appear in the layer stack (and as base material) to
      /// their material ids. Throws ExcMessage naming entry and value on
      /// impossible input (taper that closes the pillar, a stack that names
      /// an unknown material, a missing mesh file, ...).
      void
      parse_parameters(dealii::ParameterHandler                  &prm,
                       const std::map<std::string, unsigned int> &material_ids);

      /// Build the coarse mesh (works for a parallel::distributed
      /// triangulation, too) with material and boundary ids set; @p tria is
      /// cleared first. Generated meshes: hexahedra extruded from a disk of
      /// 12 * 4^(Lateral refinement) cells, cell faces on every layer
      /// interface, material id of the layer (base: the base material), and
      /// with 'Curved free surface' the manifold manifold_id::free_surface
      /// on the lateral boundary (its object is attached to @p tria). A
      /// strip: 8 * 2^(Lateral refinement) cells across x, one through y,
      /// flat. Gmsh meshes are read as they are (flat).
      void
      create_triangulation(dealii::Triangulation<3> &tria) const;

      /// The layer context of a point at reference position X that lies in a
      /// cell of material @p material_id: for 0 <= z <= H the index and
      /// reference thickness of the layer holding z (on an interface, the
      /// neighbour of material @p material_id; a homogeneous pillar is one
      /// layer of thickness H; Gmsh meshes: the layer of that material),
      /// normal (0,0,1); layer_has_interface when a neighbouring layer of
      /// the stack is of another material (never for a homogeneous pillar).
      /// Outside (the base): invalid index, thickness 0, no interface.
      constitutive::PointContext
      context(const dealii::Point<3> &X, const unsigned int material_id) const;

      /// Number of cells of the coarse mesh create_triangulation() builds
      /// (exact for the generator, the hexahedra of a Gmsh file), known
      /// after parse_parameters() without building anything.
      double
      coarse_cell_estimate() const;

      /// "N cells (how the entries produce them)", for messages.
      std::string
      coarse_cell_summary() const;

      /// Pillar height L0 [µm] (the base is not included).
      double
      height() const;

      /// Top diameter [µm].
      double
      top_diameter() const;

      /// A0: the cross-section area at 20 % of the height below the top
      /// [µm^2], as in the experiments' engineering stress (strip: D times
      /// the strip thickness).
      double
      reference_area() const;

      /// Area of the punch face of the exact geometry [µm^2]: pi D^2 / 4,
      /// or D times the thickness of a strip.
      double
      top_area() const;

      /// True for 'Cross-section = plane strain strip'.
      bool
      is_strip() const;

      /// The layers as meshed, bottom to top (one entry for a single
      /// material pillar).
      const std::vector<Layer> &
      layers() const;

      bool
      has_base() const;

      /// Taper angle theta [degrees]: r(z) = D/2 + (H - z) tan(theta).
      double
      taper_angle() const;

      /// Outer radius of the generated pillar at height @p z in [0, H]
      /// [µm]: the taper, widened by the fillet near z = 0 if there is one.
      double
      radius(const double z) const;

    private:
      // Set by parse_parameters; see declare_parameters for documentation.
      std::string        mesh_source;
      std::string        mesh_file;
      double             diameter           = 1.;
      double             pillar_height      = 2.;
      double             taper_degrees      = 0.;
      bool               base               = false;
      double             base_radius        = 0.;
      double             base_depth         = 0.;
      double             fillet_radius      = 0.;
      unsigned int       base_material_id   = 0;
      unsigned int       cells_per_layer    = 1;
      unsigned int       axial_cells        = 0;
      unsigned int       lateral_refinement = 0;
      double             top_corner_grading = 1.;
      double             axis_grading       = 1.;
      bool               strip              = false;
      double             strip_thickness    = 0.;
      std::vector<Layer> stack;

      // Further settings (see declare_parameters).
      bool homogeneous         = true;
      bool curved_free_surface = true;

      // Radius of the taper alone, r(z) = D/2 + (H - z) tan(theta) [µm].
      double
      taper_radius(const double z) const;

      // Fillet geometry in the (r, z) half plane: the arc of radius
      // fillet_radius centred at (fillet_centre_r, fillet_radius), from
      // (fillet_centre_r, 0) on the base top to the tangent point at
      // z = fillet_top on the pillar flank. Both 0 without a fillet.
      double fillet_centre_r = 0.;
      double fillet_top      = 0.;

      // Generator and reader, both into a serial triangulation that
      // create_triangulation() then copies.
      void
      generate(dealii::Triangulation<3> &tria) const;

      void
      read_mesh_file(dealii::Triangulation<3> &tria) const;

      // Hexahedra in the Gmsh file (set by parse_parameters).
      std::size_t gmsh_cells = 0;

      // Cells through the pillar height (z levels - 1) of the generator.
      double
      axial_levels() const;

      // Cells of the generated base block (0 without one).
      double
      base_cells() const;

      // Refuse a coarse mesh with a cell edge below
      // mesh_bounds::min_edge_over_diameter * D or a cell aspect ratio above
      // mesh_bounds::max_aspect_ratio, naming the entries that made it.
      void
      check_mesh_quality(const dealii::Triangulation<3> &tria) const;
    };
  } // namespace geometry
} // namespace micropillar

#endif
