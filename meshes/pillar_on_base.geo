// A tapered micropillar on a cylindrical base block, all hexahedra.
// Units: µm. The pillar axis is z; the pillar foot (top of the base) is at
// z = 0, the punch face at z = H. Generate the mesh with
//   gmsh -3 -format msh22 pillar_on_base.geo -o pillar_on_base.msh
//
// Physical ids (read by deal.II's GridIn: volume tags -> material ids,
// surface tags -> boundary ids; see meshes/README.md):
//   Physical Volume  0  pillar  -> material id 0 (first entry of Materials/Models)
//   Physical Volume  1  base    -> material id 1 (second entry)
//   Physical Surface 1  punch   -> boundary id 1 (top face, z = H)
//   Physical Surface 2  bottom  -> boundary id 2 (bottom of the base, z = -depth)
//   (untagged)          free    -> boundary id 0 (flank, base top and side)
//
// Matching prm: Geometry/Mesh source = gmsh, Top diameter = 1.2,
// Height = 2.4, Taper angle = 2.

D     = 1.2;    // top diameter
H     = 2.4;    // pillar height
theta = 2;      // taper half-angle [degrees]: r(z) = D/2 + (H - z) tan(theta)
Rb    = 2.4;    // base radius
depth = 1.6;    // base depth

nc  = 3;        // cells along each side of the inner square / each quarter arc
nr  = 2;        // cells from the inner square to the flank
nz  = 8;        // cells through the pillar height
na  = 3;        // cells across the base annulus (graded outward)

Rt = D / 2;
R0 = Rt + H * Tan(theta * Pi / 180);

// O-grid cross-section at level l (0: z = 0, radius R0; 1: z = H, radius Rt):
// inner square (corners sq) and four sectors out to the circle (points o).
For l In {0:1}
  z = l * H;
  R = R0 + l * (Rt - R0);
  s = 0.45 * R;                         // half-width of the inner square
  c[l] = newp; Point(c[l]) = {0, 0, z};
  For k In {0:3}
    a = Pi / 4 + k * Pi / 2;
    sq[4*l+k] = newp; Point(sq[4*l+k]) = {s * Sqrt(2) * Cos(a), s * Sqrt(2) * Sin(a), z};
    o[4*l+k]  = newp; Point(o[4*l+k])  = {R * Cos(a), R * Sin(a), z};
  EndFor
  For k In {0:3}
    k1 = (k + 1) % 4;
    sql[4*l+k] = newl; Line(sql[4*l+k]) = {sq[4*l+k], sq[4*l+k1]};
    arc[4*l+k] = newl; Circle(arc[4*l+k]) = {o[4*l+k], c[l], o[4*l+k1]};
    rad[4*l+k] = newl; Line(rad[4*l+k]) = {sq[4*l+k], o[4*l+k]};
  EndFor
  cl = newll; Curve Loop(cl) = {sql[4*l], sql[4*l+1], sql[4*l+2], sql[4*l+3]};
  core[l] = news; Plane Surface(core[l]) = {cl};
  For k In {0:3}
    k1 = (k + 1) % 4;
    cl = newll; Curve Loop(cl) = {rad[4*l+k], arc[4*l+k], -rad[4*l+k1], -sql[4*l+k]};
    sector[4*l+k] = news; Plane Surface(sector[4*l+k]) = {cl};
  EndFor
EndFor

// Pillar: vertical lines, side surfaces, five hexahedral blocks.
For k In {0:3}
  vsq[k] = newl; Line(vsq[k]) = {sq[k], sq[4+k]};
  vo[k]  = newl; Line(vo[k])  = {o[k], o[4+k]};
EndFor
For k In {0:3}
  k1 = (k + 1) % 4;
  cl = newll; Curve Loop(cl) = {sql[k], vsq[k1], -sql[4+k], -vsq[k]};
  sqside[k] = news; Plane Surface(sqside[k]) = {cl};
  cl = newll; Curve Loop(cl) = {rad[k], vo[k], -rad[4+k], -vsq[k]};
  radial[k] = news; Plane Surface(radial[k]) = {cl};
  cl = newll; Curve Loop(cl) = {arc[k], vo[k1], -arc[4+k], -vo[k]};
  flank[k] = news; Surface(flank[k]) = {cl};      // a piece of the cone
EndFor
sl = newsl; Surface Loop(sl) = {core[0], core[1], sqside[]};
pillar[0] = newv; Volume(pillar[0]) = {sl};
For k In {0:3}
  k1 = (k + 1) % 4;
  sl = newsl; Surface Loop(sl) = {sector[k], sector[4+k], radial[k], radial[k1], flank[k], sqside[k]};
  pillar[1+k] = newv; Volume(pillar[1+k]) = {sl};
EndFor

// Base top: an annulus from the foot circle out to Rb, in four sectors.
cb = newp; Point(cb) = {0, 0, 0};
For k In {0:3}
  a = Pi / 4 + k * Pi / 2;
  ob[k] = newp; Point(ob[k]) = {Rb * Cos(a), Rb * Sin(a), 0};
EndFor
For k In {0:3}
  k1 = (k + 1) % 4;
  arcb[k] = newl; Circle(arcb[k]) = {ob[k], cb, ob[k1]};
  radb[k] = newl; Line(radb[k]) = {o[k], ob[k]};
EndFor
For k In {0:3}
  k1 = (k + 1) % 4;
  cl = newll; Curve Loop(cl) = {radb[k], arcb[k], -radb[k1], -arc[k]};
  annulus[k] = news; Plane Surface(annulus[k]) = {cl};
EndFor

// Structured (transfinite) quadrilaterals everywhere.
Transfinite Curve{sql[], arc[], arcb[]} = nc + 1;
Transfinite Curve{rad[]} = nr + 1;
Transfinite Curve{vsq[], vo[]} = nz + 1;
Transfinite Curve{radb[]} = na + 1 Using Progression 1.6;
Transfinite Surface{core[], sector[], sqside[], radial[], flank[], annulus[]};
Recombine Surface{core[], sector[], sqside[], radial[], flank[], annulus[]};
Transfinite Volume{pillar[]};

// Base: the foot and the annulus extruded downward, cells growing with depth
// (layer tops at 15 %, 40 % and 100 % of the depth).
base[] = {};
bottom[] = {};
For k In {0:4}
  If (k == 0)
    s = core[0];
  Else
    s = sector[k-1];
  EndIf
  e[] = Extrude {0, 0, -depth} { Surface{s}; Layers{{1, 1, 1}, {0.15, 0.4, 1}}; Recombine; };
  bottom[] += e[0];
  base[] += e[1];
EndFor
For k In {0:3}
  e[] = Extrude {0, 0, -depth} { Surface{annulus[k]}; Layers{{1, 1, 1}, {0.15, 0.4, 1}}; Recombine; };
  bottom[] += e[0];
  base[] += e[1];
EndFor

// Unnamed groups: Gmsh would renumber a named group with tag 0.
Physical Volume(0) = {pillar[]};   // pillar
Physical Volume(1) = {base[]};     // base
Physical Surface(1) = {core[1], sector[4], sector[5], sector[6], sector[7]};  // punch
Physical Surface(2) = {bottom[]};  // bottom
