"""Use cases of the clinic and study server: accounts, sharing, studies, pooled analyses, jobs."""
