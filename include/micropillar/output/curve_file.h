// The load-displacement curve of a run (stress_strain.csv) and its status
// file (run_status.txt), written by MPI rank 0.
//
// stress_strain.csv columns: step, time [s], displacement [µm] (punch
// displacement, downward positive), force [µN] (punch force, compression
// positive), strain (displacement / L0), stress [MPa] (force / A0),
// newton_iterations, dt [s], machine_displacement [µm], then volume
// averages over the pillar (z >= 0, not the base) of the equivalent plastic
// strain and of every state variable the models name (each over the cells
// whose model names it). ΔL is the punch displacement: with a meshed base it
// includes the base's compliance, as a measured ΔL does before any Sneddon
// correction.
//
// Only converged steps are written; each row goes out in one write and is
// flushed, so a killed run leaves complete rows only. run_status.txt reads
// "running", "completed" or "stopped: <reason>" and is replaced atomically
// (write to a temporary file, then rename).
#ifndef micropillar_output_curve_file_h
#define micropillar_output_curve_file_h

#include <fstream>
#include <mpi.h>
#include <string>
#include <vector>

namespace micropillar
{
  namespace output
  {
    class CurveFile
    {
    public:
      /// Creates @p directory (collective over @p comm) and writes the
      /// header; or, for a restart, continues the curve saved in the
      /// checkpoint (@p restart_copy: the copy of stress_strain.csv taken
      /// with the checkpoint).
      CurveFile(const std::string              &directory,
                const std::vector<std::string> &extra_columns,
                const MPI_Comm                  comm,
                const std::string              &restart_copy = "");

      /// Append a row (rank 0). Throws std::runtime_error if the file
      /// cannot be written (full disk, removed directory).
      void
      write_row(const unsigned int         step,
                const double               time,
                const double               displacement,
                const double               force,
                const double               strain,
                const double               stress,
                const unsigned int         newton_iterations,
                const double               dt,
                const std::vector<double> &extra);

      /// Replace run_status.txt (rank 0, or this rank if @p any_rank: a
      /// rank that meets an error alone before the run aborts).
      void
      set_status(const std::string &status, const bool any_rank = false) const;

    private:
      std::string   directory;
      bool          root;
      std::ofstream file;
    };
  } // namespace output
} // namespace micropillar

#endif
