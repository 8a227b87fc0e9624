/*
 * parse_floor.c - the physical floor of a full index build: read and
 * parse every file named on stdin with libyaml's event parser and do
 * nothing else.  Prints the number of events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

int
main(void)
{
	static char buf[1 << 20];
	char path[4096];
	unsigned long events = 0;

	while (fgets(path, sizeof path, stdin) != NULL) {
		yaml_parser_t p;
		yaml_event_t ev;
		size_t len;
		FILE *f;
		int done = 0;

		path[strcspn(path, "\n")] = '\0';
		if ((f = fopen(path, "rb")) == NULL)
			continue;
		len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		yaml_parser_initialize(&p);
		yaml_parser_set_input_string(&p, (unsigned char *)buf, len);
		while (!done) {
			if (!yaml_parser_parse(&p, &ev))
				break;
			done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
			events++;
		}
		yaml_parser_delete(&p);
	}
	printf("%lu\n", events);
	return 0;
}
