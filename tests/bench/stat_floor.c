/*
 * stat_floor.c - the physical floor of a no-change sync: list a folder
 * and lstat every entry, nothing else.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>

int
main(int argc, char **argv)
{
	struct dirent *de;
	struct stat sb;
	unsigned long n = 0;
	DIR *d;

	if (argc != 2 || (d = opendir(argv[1])) == NULL)
		return 2;
	while ((de = readdir(d)) != NULL)
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
			n++;
	closedir(d);
	printf("%lu\n", n);
	return 0;
}
