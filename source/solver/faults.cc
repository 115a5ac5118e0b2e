#include <cstdlib>
#include <deal.II/base/mpi.h>
#include <fstream>
#include <micropillar/solver/faults.h>
#include <vector>

namespace micropillar
{
  namespace solver
  {
    std::string
    first_error(const MPI_Comm comm, const std::string &message)
    {
      const std::vector<std::string> all =
        dealii::Utilities::MPI::all_gather(comm, message);
      for (unsigned int r = 0; r < all.size(); ++r)
        if (!all[r].empty())
          return all.size() > 1 ? "rank " + std::to_string(r) + ": " + all[r]
                                : all[r];
      return "";
    }


    void
    inject_fault(const char *site, const MPI_Comm comm, const unsigned int step)
    {
      const char *hook = std::getenv("MICROPILLAR_TEST_FAULT");
      if (hook == nullptr)
        return;
      const std::string spec(hook);
      const std::string s(site);
      if (spec.compare(0, s.size() + 1, s + ":") != 0)
        return;
      const std::string  rest  = spec.substr(s.size() + 1);
      const auto         colon = rest.find(':');
      const unsigned int rank  = std::atoi(rest.substr(0, colon).c_str());
      if (rank != dealii::Utilities::MPI::this_mpi_process(comm))
        return;
      if (colon != std::string::npos &&
          static_cast<unsigned int>(
            std::atoi(rest.substr(colon + 1).c_str())) != step)
        return;
      throw std::runtime_error("injected fault at " + s);
    }


    std::pair<std::uint64_t, std::uint64_t>
    file_checksum(const std::string &path)
    {
      std::ifstream in(path, std::ios::binary);
      if (!in)
        throw std::runtime_error("cannot read <" + path + ">");
      std::uint64_t     hash = 1469598103934665603ull, size = 0;
      std::vector<char> buffer(1 << 16);
      while (in)
      {
        in.read(buffer.data(), buffer.size());
        const std::streamsize n = in.gcount();
        for (std::streamsize i = 0; i < n; ++i)
        {
          hash ^= static_cast<unsigned char>(buffer[i]);
          hash *= 1099511628211ull;
        }
        size += n;
      }
      if (in.bad())
        throw std::runtime_error("cannot read <" + path + ">");
      return {hash, size};
    }
  } // namespace solver
} // namespace micropillar
