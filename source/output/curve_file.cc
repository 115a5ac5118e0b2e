#include <cstdio>
#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <filesystem>
#include <iomanip>
#include <micropillar/output/curve_file.h>
#include <sstream>
#include <stdexcept>

namespace micropillar
{
  namespace output
  {
    CurveFile::CurveFile(const std::string              &directory,
                         const std::vector<std::string> &extra_columns,
                         const MPI_Comm                  comm,
                         const std::string              &restart_copy)
        : directory(directory)
        , root(dealii::Utilities::MPI::this_mpi_process(comm) == 0)
    {
      std::string error;
      if (root)
      {
        std::error_code ec;
        std::filesystem::create_directories(directory, ec);
        if (ec)
          error = "cannot create Output directory = " + directory + ": " +
                  ec.message();
        else if (!restart_copy.empty())
        {
          // The rows up to the checkpoint; later rows of the killed run
          // are dropped.
          std::filesystem::copy_file(
            restart_copy,
            directory + "/stress_strain.csv",
            std::filesystem::copy_options::overwrite_existing,
            ec);
          if (ec)
            error = "cannot restore the curve from " + restart_copy;
          else
            file.open(directory + "/stress_strain.csv", std::ios::app);
        }
        else
        {
          // Remove outputs of an earlier run so nothing stale looks
          // like the result of this one.
          for (const auto &entry :
               std::filesystem::directory_iterator(directory))
          {
            const std::string name = entry.path().filename().string();
            if (name == "stress_strain.csv" || name.rfind("fields", 0) == 0)
              std::filesystem::remove(entry.path(), ec);
          }
          file.open(directory + "/stress_strain.csv");
          if (!file)
            error = "cannot write " + directory + "/stress_strain.csv";
          else
          {
            file << "step,time,displacement,force,strain,stress,"
                    "newton_iterations,dt";
            for (const auto &c : extra_columns)
              file << ',' << c;
            file << '\n' << std::flush;
          }
        }
      }
      error = dealii::Utilities::MPI::broadcast(comm, error, 0);
      AssertThrow(error.empty(), dealii::ExcMessage(error));
    }

    void
    CurveFile::write_row(const unsigned int         step,
                         const double               time,
                         const double               displacement,
                         const double               force,
                         const double               strain,
                         const double               stress,
                         const unsigned int         newton_iterations,
                         const double               dt,
                         const std::vector<double> &extra)
    {
      if (!root)
        return;
      std::ostringstream row;
      row << std::setprecision(12) << step << ',' << time << ',' << displacement
          << ',' << force << ',' << strain << ',' << stress << ','
          << newton_iterations << ',' << dt;
      for (const double v : extra)
        row << ',' << v;
      row << '\n';
      file << row.str() << std::flush;
      if (!file)
        throw std::runtime_error("cannot write " + directory +
                                 "/stress_strain.csv (disk full, or the "
                                 "directory removed?)");
    }

    void
    CurveFile::set_status(const std::string &status, const bool any_rank) const
    {
      if (!root && !any_rank)
        return;
      const std::string path = directory + "/run_status.txt";
      {
        std::ofstream tmp(path + ".tmp");
        tmp << status << '\n';
      }
      std::rename((path + ".tmp").c_str(), path.c_str());
    }
  } // namespace output
} // namespace micropillar
