// A guest built with -g -O0 for the debugger's values (debuginfo_test):
// enums, arrays (also two-dimensional), char arrays and strings, a union,
// bit fields, a typedef, const, float and double, bool, pointers to
// pointers, a function pointer and globals. It prints a sum of them so it
// has an output to record and replay.
#include <stdbool.h>
#include <stdio.h>

enum color { RED, GREEN = 5, BLUE };

typedef struct {
  unsigned flag : 1;
  unsigned level : 3;
  int rest;
} bits_t;

union number {
  int i;
  float f;
  unsigned char bytes[4];
};

struct node {
  int value;
  struct node* next;
};

struct shape {
  enum color color;
  int corners[3];
  char label[8];
  const char* name;
  double scale;
  bool visible;
  union number n;
  bits_t bits;
  int grid[2][3];
};

int counter = 7;
const char* greeting = "hello";
struct node second = {2, 0};
struct node first = {1, &second};
int (*op)(int, int);
int table[300];

static int add(int a, int b) { return a + b; }

static int inspect(struct shape* s, struct node** list, char c) {
  int sum = 0;
  for (struct node* n = *list; n; n = n->next) sum += n->value;
  sum += s->corners[2] + c + s->bits.level;
  {
    int sum = 1;  // shadows the outer sum
    c += sum;
  }
  return sum + c;
}

int main(void) {
  struct shape s = {BLUE, {1, 2, 3}, "tri", "triangle", 1.5, true, {.i = 65}, {1, 5, -2}, {{1, 2, 3}, {4, 5, 6}}};
  struct node* list = &first;
  op = add;
  int total = inspect(&s, &list, 'a');
  table[299] = total;
  printf("total=%d counter=%d %s %s\n", op(total, counter), counter, greeting, s.label);
  return 0;
}
