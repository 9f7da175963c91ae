package components

// Column describes one table column: a fixed Width, or a share (Flex) of the
// space left over, between Min and Max (Max 0 means no limit).
type Column struct {
	Title string
	Width int
	Flex  int
	Min   int
	Max   int
	Right bool
}

// Layout gives each column its width for a table total cells wide, with one
// space between columns. Flexible columns first get their Min, then share
// the rest by weight, each up to its Max (0: no limit); what a capped column
// cannot take goes round again to the others.
func Layout(cols []Column, total int) []int {
	widths := make([]int, len(cols))
	free := total - (len(cols) - 1)
	for i, c := range cols {
		if c.Flex == 0 {
			widths[i] = c.Width
		} else {
			widths[i] = c.Min
		}
		free -= widths[i]
	}
	for free > 0 {
		weight := 0
		for i, c := range cols {
			if c.Flex > 0 && (c.Max == 0 || widths[i] < c.Max) {
				weight += c.Flex
			}
		}
		if weight == 0 {
			break
		}
		given, round := 0, free
		for i, c := range cols {
			if c.Flex == 0 || (c.Max > 0 && widths[i] >= c.Max) {
				continue
			}
			add := max(round*c.Flex/weight, 1)
			if c.Max > 0 {
				add = min(add, c.Max-widths[i])
			}
			add = min(add, free)
			widths[i] += add
			free -= add
			given += add
		}
		if given == 0 {
			break
		}
	}
	return widths
}

// Row renders cells into their columns, separated by single spaces.
func Row(cols []Column, widths []int, cells []string) string {
	out := make([]byte, 0, 128)
	for i, c := range cols {
		if i > 0 {
			out = append(out, ' ')
		}
		if c.Right {
			out = append(out, FitRight(cells[i], widths[i])...)
		} else {
			out = append(out, Fit(cells[i], widths[i])...)
		}
	}
	return string(out)
}

// Header renders the column titles.
func Header(cols []Column, widths []int) string {
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = c.Title
	}
	return Row(cols, widths, titles)
}
