package config

import (
	"fmt"
	"strconv"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// maxFormatWidth bounds the widths and precisions in format() and
// formatlist() verbs. Unbounded, "%4000000000s" made tend allocate 4 GB,
// and a width that overflowed panicked inside the function (a Go stack
// trace in the diagnostic).
const maxFormatWidth = 1 << 16

// boundedFormat is f (format or formatlist) refusing a format whose
// verbs are wider than maxFormatWidth.
func boundedFormat(f function.Function) function.Function {
	return function.New(&function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type:        f.ReturnTypeForValues,
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if v := args[0]; v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				if err := checkFormatWidths(v.AsString()); err != nil {
					return cty.NilVal, function.NewArgError(0, err)
				}
			}
			return f.Call(args)
		},
	})
}

// checkFormatWidths finds the numbers in each verb of a format (flags,
// argument index, width, precision) and refuses one above
// maxFormatWidth.
func checkFormatWidths(format string) error {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && !isVerbEnd(format[j]) {
			k := j
			for k < len(format) && format[k] >= '0' && format[k] <= '9' {
				k++
			}
			if k > j {
				if n, err := strconv.Atoi(format[j:k]); err != nil || n > maxFormatWidth {
					return fmt.Errorf("a width or precision of %s in the format; at most %d", format[j:k], maxFormatWidth)
				}
				j = k
				continue
			}
			j++
		}
		i = j
	}
	return nil
}

// isVerbEnd reports whether c ends a verb: a letter (the verb) or "%".
func isVerbEnd(c byte) bool {
	return c == '%' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
