package sub

func broken( {
	go work(1)
}
